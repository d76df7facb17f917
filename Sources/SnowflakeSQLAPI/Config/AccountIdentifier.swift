import Foundation

/// Account identifiers in the forms people write them (sqlapi.md sections 1.3 and 4.1; DOC-ACCT):
/// `ORG-ACCOUNT` (the org-account form of URLs), `ORG.ACCOUNT` (the form SQL shows, e.g. in
/// `CURRENT_ORGANIZATION_NAME() || '.' || CURRENT_ACCOUNT_NAME()`), and an account locator with region, cloud,
/// `privatelink` or `global` suffixes (`xy12345.us-east-2.aws`).
public enum AccountIdentifier {
    /// Single words that may follow the first dot of an identifier without being an account name: the cloud
    /// names, `privatelink`, `global`, and the domain of a pasted host.
    static let suffixWords: Set<String> = ["aws", "azure", "gcp", "privatelink", "global", "snowflakecomputing"]

    /// True when `segment` (the text between the first and second dot) is a region, cloud, `privatelink` or
    /// `global` suffix. Every Snowflake region id has a hyphen (`us-east-2`, `ap-southeast-2`, `west-europe`,
    /// `us-central1`, `east-us-2`), while organization and account names never have one (letters, digits and `_`).
    static func isSuffix(_ segment: Substring) -> Bool {
        segment.contains("-") || suffixWords.contains(segment.lowercased())
    }

    /// `account` with the dot of the `ORG.ACCOUNT` form replaced by a hyphen, when the part after the first dot is
    /// an account name rather than a suffix (``isSuffix(_:)``): `myorg.myaccount` → `myorg-myaccount`,
    /// `MYORG.MY_ACCOUNT.privatelink` → `MYORG-MY_ACCOUNT.privatelink`. Other forms are returned unchanged:
    /// `xy12345.us-east-2.aws`, `myorg-myaccount`, `xy12345-abcdef.global`.
    public static func orgAccountForm(_ account: String) -> String {
        let parts = account.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, isOrgName(parts[0]), isAccountName(parts[1]), !isSuffix(parts[1]) else {
            return account
        }
        return ([parts[0] + "-" + parts[1]] + parts.dropFirst(2)).joined(separator: ".")
    }

    /// The organization and account names an identifier gives, upper case, as ORGANIZATION_USAGE views show them:
    /// the `ORG-ACCOUNT` and `ORG.ACCOUNT` forms (with or without `.privatelink`) give (`ORG`, `ACCOUNT`);
    /// any other form (an account locator such as `xy12345.us-east-2.aws`, or `xy12345-abcdef.global`) gives
    /// organization `""` (not known) and the identifier's first part, the locator, as the account (`XY12345`).
    public static func organizationAndAccount(_ account: String) -> (organization: String, account: String) {
        let form = orgAccountForm(account)
        let parts = form.split(separator: ".", omittingEmptySubsequences: false)
        let first = parts.first ?? ""
        let rest = parts.dropFirst()
        let privatelinkOrNothing = rest.isEmpty || (rest.count == 1 && rest.first!.lowercased() == "privatelink")
        if privatelinkOrNothing, let dash = first.firstIndex(of: "-") {
            let org = first[..<dash], name = first[first.index(after: dash)...]
            if isOrgName(org), isAccountName(name) { return (org.uppercased(), name.uppercased()) }
        }
        return ("", (first.split(separator: "-").first.map(String.init) ?? String(first)).uppercased())
    }

    /// Nil when `account` can name an account; otherwise a finished clause with the fix. Refused: characters other
    /// than letters, digits, `-`, `_` and `.`; empty parts between dots; and the `ORG.ACCOUNT` form followed by
    /// anything but `.privatelink` (the message gives the `ORG-ACCOUNT` spelling).
    static func problem(_ account: String) -> String? {
        if account.isEmpty { return "it is empty" }
        guard account.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            return "an account identifier has only letters, digits, '-', '_' and '.' (for example myorg-myaccount); put a host name in host instead"
        }
        let parts = account.split(separator: ".", omittingEmptySubsequences: false)
        if parts.contains(where: \.isEmpty) { return "it has an empty part between dots" }
        let rewritten = orgAccountForm(account)
        if rewritten != account {
            let rest = parts.dropFirst(2)
            if !(rest.isEmpty || (rest.count == 1 && rest.first!.lowercased() == "privatelink")) {
                return "it reads as ORG.ACCOUNT followed by '.\(rest.joined(separator: "."))', which no account URL has; write it as \(parts[0])-\(parts[1]) (ORG-ACCOUNT), adding .privatelink only for private connectivity"
            }
        }
        return nil
    }

    /// Organization names: letters and digits.
    static func isOrgName(_ text: Substring) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// Account names: letters, digits and `_`.
    static func isAccountName(_ text: Substring) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
