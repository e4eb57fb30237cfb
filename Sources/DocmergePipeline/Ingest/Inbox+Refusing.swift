#if canImport(Glibc)
import Glibc
#endif
import DocmergeModel
import Foundation

extension Inbox {
    /// The one way into `rejected/`: a refused file (`reject`), a name that is not UTF-8, an
    /// entry that is not a regular file. It takes its own name, or a suffixed one on a
    /// clash, with `NAME.error.json` beside it. The explanation is written first, under the
    /// name the file is about to take, so a crash in between leaves the file in the inbox
    /// (refused again on restart, reusing that name), never a refused file without its
    /// explanation; neither ever replaces anything (`place`, `explanationSlotIsFree`).
    /// `isStillThere`: the source is still what was refused (else nil is returned);
    /// `isAlreadyThere`: the file at a taken name is this one (a crash between a hard link
    /// and its unlink). Returns the name it took.
    func moveToRejected(_ source: [CChar], as name: String, isStillThere: () -> Bool,
                        isAlreadyThere: (String) -> Bool = { _ in false },
                        explanation: (_ target: String) -> [JSONMember]) throws -> String? {
        if access(rejected, F_OK) != 0 { try ensureFolders() }
        for attempt in 0..<10_000 {
            guard isStillThere() else { return nil }
            let target = Inbox.candidateName(name, attempt, limit: Inbox.rejectedNameLimit(for: name))
            let path = rejected + "/" + target
            var taken = stat()
            if lstat(path, &taken) == 0 {
                if isAlreadyThere(path) { unlink(source); return target }
                continue
            }
            let explanationPath = rejected + "/" + Inbox.errorFileName(for: target)
            guard Inbox.explanationSlotIsFree(explanationPath, for: target) else { continue }
            try Inbox.writeAtomically(JSON.object(explanation(target)).bytes + [0x0A], to: explanationPath)
            let failure = Inbox.place(source, at: path)
            if failure == 0 { return target }
            if failure != EEXIST { throw InboxError("Cannot move \(name) to \(rejected): \(String(cString: strerror(failure))).") }
        }
        throw InboxError("Cannot find a free name for \(name) in \(rejected).")
    }
}
