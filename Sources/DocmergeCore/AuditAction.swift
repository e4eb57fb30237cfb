/// Every action an audit row can name. `audit list --action` refuses a name not listed
/// here, so a misspelt action is a usage error instead of an empty answer; debug builds
/// assert that every row written names one of these.
public enum AuditAction {
    public static let known: Set<String> = [
        "merge", "re_merge", "retry_merge", "merge_failed", "stale_extraction_ignored", "reingest_conflict",
        "patient_registered", "patient_updated", "legacy_import",
        "mark_correct", "correct", "rollback", "refile_out", "refile_in", "conflict_accept", "conflict_dismiss",
        "steward_add", "steward_remove", "steward_role", "steward_passwd",
    ]
}
