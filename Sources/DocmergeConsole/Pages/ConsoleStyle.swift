/// The console's only stylesheet, served from memory at `/console.css` (no file on disk,
/// no external asset).
enum ConsoleStyle {
    static let css = """
    *{box-sizing:border-box}
    body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#1d2430;background:#f4f5f7;font-size:15px;line-height:1.4}
    main{max-width:1320px;margin:0 auto;padding:1.2rem 1.5rem 3rem}
    main.narrow{max-width:26rem;margin-top:4rem}
    nav.top{display:flex;align-items:center;gap:1.1rem;background:#1f3a5f;color:#fff;padding:.55rem 1.5rem;flex-wrap:wrap}
    nav.top a{color:#dbe6f5;text-decoration:none;padding:.2rem 0;border-bottom:2px solid transparent}
    nav.top a.active,nav.top a:hover{color:#fff;border-bottom-color:#fff}
    nav.top .brand{font-weight:700;margin-right:.8rem}
    nav.top .who{margin-left:auto;color:#dbe6f5} .role{font-size:.75rem;background:#35557f;border-radius:3px;padding:.05rem .35rem;margin-left:.2rem}
    button.link{background:none;border:none;color:#dbe6f5;cursor:pointer;font:inherit;text-decoration:underline;padding:0}
    form.inline{display:inline;margin:0}
    h1{font-size:1.45rem;margin:.4rem 0 .8rem} h2{font-size:1.1rem;margin:1.6rem 0 .5rem} h3{font-size:1rem;margin:0 0 .5rem}
    .sub{color:#5b6472;margin:-.5rem 0 1rem}
    .cards{display:flex;flex-wrap:wrap;gap:.9rem;margin-bottom:1.2rem}
    .card{background:#fff;border-radius:8px;padding:.9rem 1.1rem;box-shadow:0 1px 3px rgba(0,0,0,.12);min-width:11rem;flex:1}
    .card .n{font-size:1.9rem;font-weight:700} .card .l{color:#5b6472;font-size:.85rem} .card a{color:inherit;text-decoration:none}
    .card.big{border-left:6px solid #1f3a5f;flex:1.6} .card.big .n{font-size:3.2rem}
    .card.warn{border-left:6px solid #c62828} .card.warn .n{color:#c62828}
    .card.ok{border-left:6px solid #2e7d32} .card.amber{border-left:6px solid #e0a000}
    .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1rem}
    .panel{background:#fff;border-radius:8px;padding:1rem 1.1rem;box-shadow:0 1px 3px rgba(0,0,0,.12);margin-bottom:1rem}
    table{border-collapse:collapse;background:#fff;width:100%}
    .panel table{box-shadow:none}
    table.list{box-shadow:0 1px 3px rgba(0,0,0,.12);border-radius:6px;overflow:hidden}
    th,td{padding:.45rem .6rem;border-bottom:1px solid #e4e7ec;text-align:left;vertical-align:top}
    th{background:#eef0f4;font-weight:600;font-size:.85rem}
    td.num,th.num{text-align:right;white-space:nowrap} td.nowrap{white-space:nowrap}
    tr.age-overdue td.age{background:#fde2e1;color:#8e1b1b;font-weight:700}
    tr.age-aging td.age{background:#fff4d6} tr.age-fresh td.age{background:#e8f5e9}
    .pill{display:inline-block;border-radius:10px;padding:0 .5rem;font-size:.8rem;background:#eef0f4;margin:0 .2rem .2rem 0}
    .pill.overdue{background:#c62828;color:#fff}
    .legend span{display:inline-block;padding:.1rem .5rem;margin-right:.5rem;border-radius:4px;font-size:.8rem}
    .legend .age-fresh{background:#e8f5e9} .legend .age-aging{background:#fff4d6} .legend .age-overdue{background:#fde2e1;color:#8e1b1b}
    .reason{background:#fff8e1;border-left:6px solid #e0a000;padding:.8rem 1rem;border-radius:6px;margin:0 0 1rem;font-size:1.05rem}
    .reason.none{background:#e8f5e9;border-left-color:#2e7d32}
    .notice{padding:.7rem 1rem;border-radius:6px;margin:0 0 1rem;font-weight:600}
    .notice.ok{background:#e8f5e9;color:#1b5e20} .notice.error{background:#fde2e1;color:#8e1b1b} .notice.stale{background:#fff4d6;color:#6d4c00}
    .mismatch{background:#fde2e1;font-weight:700}
    .snippet{font-style:italic;color:#37474f;background:#f7f7f2;border-left:3px solid #c5c5b5;padding:.2rem .5rem}
    pre{white-space:pre-wrap;word-break:break-word;margin:0;font-size:.82rem;max-height:16rem;overflow:auto}
    textarea{width:100%;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.82rem;border:1px solid #b7bfcc;border-radius:4px;padding:.4rem}
    input[type=text],input[type=password],input[type=search],select{font:inherit;padding:.35rem .5rem;border:1px solid #b7bfcc;border-radius:4px}
    input.small{width:6rem}
    label{font-weight:600} label.plain{font-weight:400}
    .field{margin-bottom:.8rem} .field label{display:block;margin-bottom:.2rem}
    .err{color:#b71c1c;font-weight:600;margin:.3rem 0}
    button,.button{font:inherit;border:none;border-radius:5px;padding:.5rem 1rem;cursor:pointer;background:#1f3a5f;color:#fff;text-decoration:none;display:inline-block}
    button.good{background:#2e7d32} button.danger{background:#b71c1c} button.secondary{background:#5b6472}
    .actions{display:grid;grid-template-columns:repeat(auto-fit,minmax(19rem,1fr));gap:1rem}
    .filters{display:flex;gap:.8rem;align-items:flex-end;flex-wrap:wrap;background:#fff;padding:.7rem 1rem;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);margin-bottom:1rem}
    .filters .field{margin:0}
    .pager{display:flex;gap:1rem;align-items:center;margin:.8rem 0}
    .muted{color:#5b6472;font-size:.85rem}
    .entry-drop{background:#fbe9e7}
    table.correct td:nth-child(2){width:58%} table.correct td:nth-child(3) input{width:100%}
    .entry-label{font-weight:600;margin-bottom:.25rem}
    .quick{display:flex;gap:1.2rem;align-items:center;margin:-.3rem 0 1rem}
    td.merged{font-size:.78rem;word-break:break-all}
    a{color:#1f4f8f}
    @media (max-width:900px){main{padding:1rem} .card.big .n{font-size:2.4rem}}
    """
}
