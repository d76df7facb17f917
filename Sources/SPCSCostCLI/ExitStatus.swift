import ArgumentParser
import Foundation
import SnowflakeSQLAPI
import SPCSCostCore
import SPCSCostKit
import SPCSCostStore

/// spcs-cost's exit codes (the README lists them), following BSD sysexits where one fits.
public enum ExitStatus {
    /// Some accounts of a many-accounts `pull` or `nightly` failed; the others' data was written (spcs-cost's own).
    public static let someAccountsFailed: Int32 = 13
    /// A flag or its value is wrong (EX_USAGE).
    public static let usage: Int32 = 64
    /// An input file's contents are wrong (EX_DATAERR).
    public static let dataError: Int32 = 65
    /// An input file is missing or unreadable (EX_NOINPUT).
    public static let noInput: Int32 = 66
    /// spcs-cost itself is broken, for example its bundled price catalog (EX_SOFTWARE).
    public static let software: Int32 = 70
    /// An output file cannot be written (EX_CANTCREAT).
    public static let cannotCreate: Int32 = 73
    /// The cache cannot be read or written (EX_IOERR).
    public static let ioError: Int32 = 74
    /// Snowflake could not be reached or did not answer, after retries (EX_UNAVAILABLE).
    public static let unavailable: Int32 = 69
    /// Another run holds the lock; try again later (EX_TEMPFAIL).
    public static let tempFail: Int32 = 75
    /// Snowflake refused the credentials (EX_NOPERM).
    public static let noPermission: Int32 = 77
    /// The Snowflake connection configuration is wrong (EX_CONFIG).
    public static let config: Int32 = 78

    /// The exit code for a failed connection test.
    public static func code(for problem: ConnectionDiagnosis.Problem) -> Int32 {
        switch problem {
        case .configuration, .credentials: config
        case .jwtInvalid, .oauthExpired, .oauthInvalid, .patNeedsNetworkPolicy, .patInvalid, .role, .warehouse: noPermission
        case .network: unavailable
        case .other: unavailable
        }
    }

    /// The exit code for `error`.
    public static func code(for error: any Error) -> Int32 {
        switch error {
        case is EstimateError, is PricingError, is ReportError, is ValidationError, is GrainError: return usage
        // A pools file entry that must say whose pool it plans (a name in several accounts): a key to add.
        case is PoolAccountError: return usage
        case let e as FamilyNotOfferedError: return e.pool == nil ? usage : dataError
        case is InputFileError: return noInput
        case is ExportError: return usage
        case is FXError, is CreditPriceError: return dataError
        // A missing pair or an ambiguous bare --fx is a flag to add (64); an FX file without the day is its data (65).
        case let e as FXBookError:
            if case .dated = e { return dataError }
            return usage
        case is PoolsFileError, is Holidays.ParseError, is SetupSQLError, is ArithmeticLimitError: return dataError
        case is TaskScheduleError: return usage
        case is OutputError: return cannotCreate
        case is BundledCatalog.LoadError: return software
        case is ConfigError, is AuthError, is SettingsError: return config
        case let e as TransportError:
            if case .plainHTTPRefused = e { return config }
            return unavailable
        case is RunLock.Held: return tempFail
        case is AccountsPullError: return unavailable
        case is PullService.DataError: return dataError
        case let e as SQLAPIError:
            switch e {
            case .unauthorized, .freshTokenRefused: return noPermission
            default: return unavailable
            }
        case let e as StoreError:
            switch e {
            case .unreadableFile, .missingColumn, .badCell, .cachedRowOutOfRange: return dataError
            case .cannotOpen, .newerSchema, .database: return ioError
            }
        default: return software
        }
    }
}
