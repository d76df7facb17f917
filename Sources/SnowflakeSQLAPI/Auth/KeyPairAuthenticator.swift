import Crypto
import Foundation
import _CryptoExtras

/// An RSA private key for Snowflake key-pair authentication, read from PEM: PKCS#8 (`BEGIN PRIVATE KEY`),
/// encrypted PKCS#8 (`BEGIN ENCRYPTED PRIVATE KEY`, e.g. AES-256-CBC or DES3 from `openssl pkcs8 -topk8`) and
/// PKCS#1 (`BEGIN RSA PRIVATE KEY`, also with legacy `Proc-Type: 4,ENCRYPTED`).
public struct RSASigningKey: Sendable {
    private let key: _RSA.Signing.PrivateKey

    /// Reads a key from PEM text. `source` names it in errors (a file path).
    /// - Parameters:
    ///   - pem: the PEM text.
    ///   - passphrase: the passphrase of an encrypted key; ignored for an unencrypted one.
    ///   - source: how errors refer to the key, usually its path.
    /// - Throws: ``AuthError/notAPrivateKey(path:)``, ``AuthError/passphraseRequired(path:)``,
    ///   ``AuthError/keyDecryptionFailed(path:)`` or ``AuthError/unsupportedKey(path:detail:)``.
    public init(pem: String, passphrase: Secret?, source: String) throws {
        let encrypted = pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
            || (pem.contains("-----BEGIN RSA PRIVATE KEY-----") && pem.contains("Proc-Type: 4,ENCRYPTED"))
        guard encrypted || pem.contains("-----BEGIN PRIVATE KEY-----") || pem.contains("-----BEGIN RSA PRIVATE KEY-----")
        else {
            if pem.contains("-----BEGIN EC PRIVATE KEY-----") {
                throw AuthError.unsupportedKey(path: source, detail: "it is an EC key")
            }
            throw AuthError.notAPrivateKey(path: source)
        }
        let key: _RSA.Signing.PrivateKey
        if encrypted {
            guard let passphrase else { throw AuthError.passphraseRequired(path: source) }
            do {
                key = try _RSA.Signing.PrivateKey(encryptedPEMRepresentation: pem) { setPassphrase in
                    setPassphrase(Array(passphrase.unredactedValue.utf8))
                }
            } catch {
                throw AuthError.keyDecryptionFailed(path: source)
            }
        } else {
            do {
                key = try _RSA.Signing.PrivateKey(unsafePEMRepresentation: pem)
            } catch {
                throw AuthError.unsupportedKey(path: source, detail: "it is not a readable RSA private key")
            }
        }
        guard key.keySizeInBits >= 2048 else {
            throw AuthError.unsupportedKey(path: source, detail: "it has \(key.keySizeInBits) bits")
        }
        self.key = key
    }

    /// Reads a key from a PEM file.
    /// - Throws: ``AuthError/keyFileUnreadable(path:reason:)`` and the errors of ``init(pem:passphrase:source:)``.
    public init(contentsOfFile path: String, passphrase: Secret?) throws {
        let pem: String
        do {
            pem = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw AuthError.keyFileUnreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        try self.init(pem: pem, passphrase: passphrase, source: path)
    }

    /// The key size in bits.
    public var keySizeInBits: Int { key.keySizeInBits }

    /// `SHA256:` + base64 of the SHA-256 of the public key's SubjectPublicKeyInfo DER, the form of
    /// `RSA_PUBLIC_KEY_FP` in `DESCRIBE USER` (sqlapi.md section 4.1; PYC `calculate_public_key_fingerprint`).
    /// Equal to `openssl rsa -pubout -outform DER | openssl dgst -sha256 -binary | openssl enc -base64`.
    public var publicKeyFingerprint: String {
        "SHA256:" + Data(SHA256.hash(data: key.publicKey.derRepresentation)).base64EncodedString()
    }

    /// The public key as SubjectPublicKeyInfo PEM; its base64 body is what `ALTER USER ... SET RSA_PUBLIC_KEY`
    /// takes.
    public var publicKeyPEM: String { key.publicKey.pemRepresentation }

    /// True when `fingerprint` (with or without the `SHA256:` prefix, e.g. copied from `DESCRIBE USER`) is this
    /// key's fingerprint.
    public func matches(fingerprint: String) -> Bool {
        let trimmed = fingerprint.trimmingCharacters(in: .whitespaces)
        let body = trimmed.hasPrefix("SHA256:") ? String(trimmed.dropFirst(7)) : trimmed
        return "SHA256:" + body == publicKeyFingerprint
    }

    /// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signature of `message`.
    /// - Throws: ``AuthError/signingFailed(detail:)``.
    public func signRS256(_ message: Data) throws -> Data {
        do {
            return try key.signature(for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5).rawRepresentation
        } catch {
            throw AuthError.signingFailed(detail: "\(type(of: error))")
        }
    }

    /// Signs a fixed message and verifies it with this key's own public key: a self-check that the private and
    /// public halves belong together and the crypto library works. Returns true when the signature verifies.
    public func selfCheck() -> Bool {
        let message = Data("spcs-cost key self-check".utf8)
        guard let signature = try? signRS256(message) else { return false }
        return key.publicKey.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: message),
            padding: .insecurePKCS1v1_5)
    }
}

/// Mints and caches key-pair JWTs (sqlapi.md section 4.1; DOC-RAUTH, PYC `keypair.py`, AIRJWT).
///
/// Claims: `iss = ACCOUNT.USER.SHA256:<fingerprint>`, `sub = ACCOUNT.USER`, integer `iat` and `exp` in epoch
/// seconds. `iat` is back-dated by ``issuedAtBackdateSeconds`` (60 s) so a client clock up to a minute fast is not
/// refused as "issued in the future" (Snowflake accepts `iat` at most 60 s ahead of its own clock), and `exp - iat`
/// stays at the lifetime, under one hour. A token is reused until `renewalMarginSeconds` before its `exp`, then
/// re-signed.
public final class KeyPairAuthenticator: CredentialProvider, @unchecked Sendable {
    /// Always ``TokenType/keyPairJWT``.
    public var tokenType: TokenType { .keyPairJWT }

    /// The account as it appears in the claims (see ``claimsAccount(for:)``).
    public let claimsAccount: String
    /// The user as it appears in the claims: upper case.
    public let claimsUser: String
    /// The signing key.
    public let key: RSASigningKey
    /// Seconds from `iat` to `exp`: at most 3600 (one hour, the widely stated cap; sqlapi.md section 4.1).
    public let lifetimeSeconds: Int
    /// A cached token is renewed once fewer than this many seconds remain before its `exp`.
    public let renewalMarginSeconds: Int
    /// Seconds `iat` lies before the local clock's now: 60. With Snowflake's 60 s allowance for a future `iat`, a
    /// client clock up to 120 s fast is accepted; `exp` is `iat + lifetimeSeconds`, so the token is valid for
    /// `lifetimeSeconds - 60` s from now.
    public static let issuedAtBackdateSeconds = 60
    private let now: @Sendable () -> Date
    private let lock = NSLock()
    private var cached: (token: Secret, expires: Int64)?

    /// An authenticator for `user` of `account`.
    /// - Parameters:
    ///   - account: the configured account identifier, in any form (normalised by ``claimsAccount(for:)``).
    ///   - user: the login name (upper-cased for the claims).
    ///   - key: the RSA key registered for the user.
    ///   - lifetimeSeconds: token lifetime; default 3540 (59 minutes, Snowflake's sample), clamped to 60...3600.
    ///   - renewalMarginSeconds: renew this long before `exp`; default 300 (5 minutes).
    ///   - now: the wall clock (injected; tests pass a fixed instant).
    public init(
        account: String, user: String, key: RSASigningKey, lifetimeSeconds: Int = 3540,
        renewalMarginSeconds: Int = 300, now: @escaping @Sendable () -> Date
    ) {
        claimsAccount = KeyPairAuthenticator.claimsAccount(for: account)
        claimsUser = user.uppercased()
        self.key = key
        self.lifetimeSeconds = min(max(lifetimeSeconds, 60), 3600)
        self.renewalMarginSeconds = min(max(renewalMarginSeconds, 0), self.lifetimeSeconds / 2)
        self.now = now
    }

    /// `ACCOUNT.USER`, the `sub` claim.
    public var subject: String { "\(claimsAccount).\(claimsUser)" }
    /// `ACCOUNT.USER.SHA256:<fingerprint>`, the `iss` claim.
    public var issuer: String { "\(subject).\(key.publicKeyFingerprint)" }

    /// The account identifier as Snowflake's clients put it into JWT claims (sqlapi.md section 4.1; AIRJWT
    /// `prepare_account_name_for_jwt`, PYC `AuthByKeyPair`): if it contains `.global`, the text before the first
    /// `-`; otherwise the text before the first `.` (dropping region, cloud and `.privatelink` suffixes); then
    /// upper case. `xy12345.ap-southeast-2` → `XY12345`; `myorg-myaccount` → `MYORG-MYACCOUNT`. The `ORG.ACCOUNT`
    /// form SQL shows is first read as `ORG-ACCOUNT` (``AccountIdentifier/orgAccountForm(_:)``), so
    /// `myorg.myaccount` → `MYORG-MYACCOUNT`, not `MYORG`, which the server refuses with 390144.
    public static func claimsAccount(for account: String) -> String {
        let account = AccountIdentifier.orgAccountForm(account)
        let separator: Character = account.contains(".global") ? "-" : "."
        let head = account.firstIndex(of: separator).map { account[..<$0] } ?? account[...]
        return head.uppercased()
    }

    /// The cached JWT while more than `renewalMarginSeconds` remain before its `exp`, else (or with `renew`) a
    /// newly signed one with `iat` = now − ``issuedAtBackdateSeconds``.
    /// - Throws: ``AuthError/signingFailed(detail:)``.
    public func authorization(renew: Bool) throws -> Authorization {
        let nowSeconds = Int64(now().timeIntervalSince1970.rounded(.down))
        let issuedAt = nowSeconds - Int64(Self.issuedAtBackdateSeconds)
        lock.lock()
        defer { lock.unlock() }
        if !renew, let cached, nowSeconds < cached.expires - Int64(renewalMarginSeconds) {
            return Authorization(tokenType: .keyPairJWT, token: cached.token)
        }
        let token = try makeToken(issuedAt: issuedAt)
        cached = (token, issuedAt + Int64(lifetimeSeconds))
        return Authorization(tokenType: .keyPairJWT, token: token)
    }

    /// A new JWT with `iat = issuedAt` and `exp = issuedAt + lifetimeSeconds` (epoch seconds).
    /// - Throws: ``AuthError/signingFailed(detail:)``.
    public func makeToken(issuedAt: Int64) throws -> Secret {
        struct Claims: Encodable {
            var iss: String
            var sub: String
            var iat: Int64
            var exp: Int64
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let header = Data(#"{"alg":"RS256","typ":"JWT"}"#.utf8)
        let claims = try encoder.encode(
            Claims(iss: issuer, sub: subject, iat: issuedAt, exp: issuedAt + Int64(lifetimeSeconds)))
        let signingInput = header.base64URLEncoded() + "." + claims.base64URLEncoded()
        let signature = try key.signRS256(Data(signingInput.utf8))
        return Secret(signingInput + "." + signature.base64URLEncoded())
    }
}

extension Data {
    /// Base64url without padding (RFC 7515 section 2).
    func base64URLEncoded() -> String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
