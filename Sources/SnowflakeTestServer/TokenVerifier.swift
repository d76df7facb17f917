import Crypto
import Foundation
import _CryptoExtras

/// Checks bearer tokens as the SQL API does (sqlapi.md section 4), against a ``SnowflakeTestServer/Identity``.
struct TokenVerifier: Sendable {
    struct RegisteredKey: Sendable {
        var fingerprint: String
        var key: _RSA.Signing.PublicKey
    }

    /// Who a request authenticated as, for the request log (never the token itself).
    struct Principal: Sendable {
        var tokenType: String
        var user: String
        var claims: [String: String]
    }

    /// A refusal with the Snowflake status, code and message, plus the reason for the log.
    struct Refusal: Error {
        var status: Int
        var code: String
        var message: String
        var reason: String
    }

    let identity: SnowflakeTestServer.Identity
    let keys: [RegisteredKey]

    init(identity: SnowflakeTestServer.Identity) throws {
        self.identity = identity
        keys = try identity.publicKeysPEM.map { pem in
            let key = try _RSA.Signing.PublicKey(pemRepresentation: pem)
            return RegisteredKey(
                fingerprint: "SHA256:" + Data(SHA256.hash(data: key.derRepresentation)).base64EncodedString(), key: key)
        }
    }

    func verify(authorization: String?, tokenType: String?, now: Date) throws(Refusal) -> Principal {
        guard let authorization, authorization.hasPrefix("Bearer "), authorization.count > 7 else {
            throw Refusal(status: 400, code: "390146", message: "Missing or malformed Authorization header.", reason: "no bearer token")
        }
        let token = String(authorization.dropFirst(7))
        let type = tokenType?.uppercased() ?? (token.split(separator: ".").count == 3 ? "KEYPAIR_JWT" : "OAUTH")
        switch type {
        case "KEYPAIR_JWT":
            return try verifyJWT(token, now: now)
        case "PROGRAMMATIC_ACCESS_TOKEN":
            guard identity.programmaticAccessTokens.contains(token) else {
                throw Refusal(status: 401, code: "394400", message: "Programmatic access token is invalid.", reason: "unknown PAT")
            }
            if identity.programmaticAccessTokensNeedNetworkPolicy {
                throw Refusal(status: 401, code: "390432", message: "Network policy is required.", reason: "PAT without network policy")
            }
            return Principal(tokenType: type, user: identity.user, claims: [:])
        case "OAUTH":
            if identity.expiredOAuthTokens.contains(token) {
                throw Refusal(status: 401, code: "390318", message: Self.tagged("OAuth access token expired."), reason: "expired OAuth token")
            }
            guard identity.oauthTokens.contains(token) else {
                throw Refusal(status: 401, code: "390303", message: Self.tagged("Invalid OAuth access token."), reason: "unknown OAuth token")
            }
            return Principal(tokenType: type, user: identity.user, claims: [:])
        default:
            throw Refusal(status: 401, code: "390144", message: Self.tagged("JWT token is invalid."), reason: "unknown token type \(type)")
        }
    }

    /// RS256 signature by a registered key; `sub = ACCOUNT.USER` with an accepted account, upper case;
    /// `iss = sub.SHA256:<fingerprint>`; `exp` in the future, `exp - iat <= 3600`, `iat` at most 60 s ahead.
    private func verifyJWT(_ token: String, now: Date) throws(Refusal) -> Principal {
        func refuse(_ reason: String) -> Refusal {
            Refusal(status: 401, code: "390144", message: Self.tagged("JWT token is invalid."), reason: reason)
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let headerData = Self.base64URLDecode(parts[0]),
            let payloadData = Self.base64URLDecode(parts[1]), let signature = Self.base64URLDecode(parts[2]),
            let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any],
            let payload = (try? JSONSerialization.jsonObject(with: payloadData)) as? [String: Any]
        else { throw refuse("not a JWT") }
        guard header["alg"] as? String == "RS256" else { throw refuse("alg is not RS256") }
        guard let iss = payload["iss"] as? String, let sub = payload["sub"] as? String,
            let iatNumber = payload["iat"] as? NSNumber, let expNumber = payload["exp"] as? NSNumber
        else { throw refuse("missing iss/sub/iat/exp") }
        let claims = ["iss": iss, "sub": sub, "iat": iatNumber.stringValue, "exp": expNumber.stringValue]
        // iat/exp may be milliseconds (DOC-RAUTH JA examples).
        let iat = iatNumber.doubleValue > 100_000_000_000 ? iatNumber.doubleValue / 1000 : iatNumber.doubleValue
        let exp = expNumber.doubleValue > 100_000_000_000 ? expNumber.doubleValue / 1000 : expNumber.doubleValue
        let accepted = identity.accounts.map { "\($0).\(identity.user)" }
        guard accepted.contains(sub) else { throw refuse("sub '\(sub)' is not one of \(accepted)") }
        guard let key = keys.first(where: { iss == "\(sub).\($0.fingerprint)" }) else {
            throw refuse("iss '\(iss)' does not name a registered fingerprint")
        }
        let signed = Data("\(parts[0]).\(parts[1])".utf8)
        guard key.key.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: signed),
            padding: .insecurePKCS1v1_5)
        else { throw refuse("signature does not verify") }
        let nowSeconds = now.timeIntervalSince1970
        guard exp > nowSeconds else { throw refuse("expired") }
        guard exp - iat <= 3600 else { throw refuse("lifetime over 3600 s") }
        guard iat <= nowSeconds + 60 else { throw refuse("iat in the future") }
        return Principal(tokenType: "KEYPAIR_JWT", user: identity.user, claims: claims)
    }

    /// Snowflake appends a bracketed request id to authentication messages (REC-078, issue duckle#22).
    static func tagged(_ message: String) -> String { "\(message) [\(UUID().uuidString.lowercased())]" }

    static func base64URLDecode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
