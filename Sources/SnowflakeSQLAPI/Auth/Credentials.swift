import Foundation

/// A secret string (token, passphrase). Its `description`, `debugDescription` and reflection print
/// `<redacted>`, so it cannot leak through string interpolation, `print` or `dump`.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself. Read it only to put it on the wire or into a key decoder.
    public let unredactedValue: String

    /// Wraps `value`.
    public init(_ value: String) {
        unredactedValue = value
    }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// A mirror without children, so `dump` shows no value.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// The value of `X-Snowflake-Authorization-Token-Type` (sqlapi.md section 2.1, DOC-AUTH).
public enum TokenType: String, Sendable, Equatable, CaseIterable {
    /// A JWT signed with the user's RSA key (section 4.1).
    case keyPairJWT = "KEYPAIR_JWT"
    /// An OAuth access token (section 4.2).
    case oauth = "OAUTH"
    /// A programmatic access token, PAT (section 4.3).
    case programmaticAccessToken = "PROGRAMMATIC_ACCESS_TOKEN"
}

/// A bearer token and its type, ready for the `Authorization` and `X-Snowflake-Authorization-Token-Type`
/// headers.
public struct Authorization: Sendable, Equatable {
    /// The token type header value.
    public var tokenType: TokenType
    /// The bearer token.
    public var token: Secret

    /// An authorization with the given parts.
    public init(tokenType: TokenType, token: Secret) {
        self.tokenType = tokenType
        self.token = token
    }
}

/// Supplies the bearer token for each SQL API request.
public protocol CredentialProvider: Sendable {
    /// The token type this provider issues.
    var tokenType: TokenType { get }

    /// The token to send now. With `renew`, a provider that can mint tokens (key-pair JWT) makes a fresh
    /// one even if the cached token has not expired; the client asks for this once after a 401 `390144`.
    /// - Throws: ``AuthError`` when no token can be produced.
    func authorization(renew: Bool) throws -> Authorization
}

/// A fixed OAuth access token or programmatic access token, from the connection's `token` or the contents of
/// its `token_file_path` (sqlapi.md section 7.2).
public struct StaticTokenProvider: CredentialProvider {
    /// ``TokenType/oauth`` or ``TokenType/programmaticAccessToken``.
    public let tokenType: TokenType
    private let token: Secret

    /// A provider that always answers `token`.
    /// - Throws: ``AuthError/emptyToken(source:)`` when `token` is empty or whitespace.
    public init(tokenType: TokenType, token: Secret, source: String) throws {
        let trimmed = token.unredactedValue.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw AuthError.emptyToken(source: source) }
        self.tokenType = tokenType
        self.token = Secret(trimmed)
    }

    /// The fixed token; `renew` changes nothing, since only its issuer can mint a new one.
    public func authorization(renew: Bool) throws -> Authorization {
        Authorization(tokenType: tokenType, token: token)
    }
}

/// Why credentials could not be prepared. Descriptions name files and settings, never secret values.
public enum AuthError: Error, Equatable, CustomStringConvertible {
    /// The private key file could not be read.
    case keyFileUnreadable(path: String, reason: String)
    /// The file holds no PEM private key this client reads.
    case notAPrivateKey(path: String)
    /// The key is encrypted and no passphrase was configured.
    case passphraseRequired(path: String)
    /// The passphrase did not decrypt the key (or the key is damaged).
    case keyDecryptionFailed(path: String)
    /// The key is not an RSA key of at least 2048 bits (the SQL API signs RS256).
    case unsupportedKey(path: String, detail: String)
    /// Signing the JWT failed in the crypto library.
    case signingFailed(detail: String)
    /// A token was empty. `source` names where it came from.
    case emptyToken(source: String)
    /// The token file could not be read.
    case tokenFileUnreadable(path: String, reason: String)

    /// A finished sentence naming the file or setting and the fix, never the secret.
    public var description: String {
        switch self {
        case let .keyFileUnreadable(path, reason):
            return "Cannot read the private key file '\(path)' (\(reason)); check private_key_file in the connection."
        case let .notAPrivateKey(path):
            return "'\(path)' does not hold a PEM private key; expected '-----BEGIN PRIVATE KEY-----', '-----BEGIN ENCRYPTED PRIVATE KEY-----' or '-----BEGIN RSA PRIVATE KEY-----' (create one with 'openssl genrsa 2048 | openssl pkcs8 -topk8 -nocrypt')."
        case let .passphraseRequired(path):
            return "The private key '\(path)' is encrypted; set private_key_file_pwd in the connection (or SNOWFLAKE_CONNECTIONS_<NAME>_PRIVATE_KEY_FILE_PWD)."
        case let .keyDecryptionFailed(path):
            return "The private key '\(path)' could not be decrypted; check private_key_file_pwd, or re-export the key with 'openssl pkcs8 -topk8 -v2 aes-256-cbc'."
        case let .unsupportedKey(path, detail):
            return "The private key '\(path)' cannot sign RS256 JWTs (\(detail)); Snowflake key-pair authentication needs an RSA key of at least 2048 bits."
        case let .signingFailed(detail):
            return "Signing the key-pair JWT failed (\(detail)); check that the private key file is intact."
        case let .emptyToken(source):
            return "The token from \(source) is empty; put the OAuth or programmatic access token there."
        case let .tokenFileUnreadable(path, reason):
            return "Cannot read the token file '\(path)' (\(reason)); check token_file_path in the connection."
        }
    }
}
