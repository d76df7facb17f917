import ArgumentParser
import Foundation
import SPCSCostCore
import SPCSCostKit
import SPCSCostStore

/// spcs-cost's exit codes (the README lists them), following BSD sysexits where one fits.
public enum ExitStatus {
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

    /// The exit code for `error`.
    public static func code(for error: any Error) -> Int32 {
        switch error {
        case is EstimateError, is PricingError, is ReportError, is ValidationError: return usage
        case is InputFileError: return noInput
        case is PoolsFileError, is Holidays.ParseError: return dataError
        case is TaskScheduleError: return usage
        case is OutputError: return cannotCreate
        case is BundledCatalog.LoadError: return software
        case let e as StoreError:
            switch e {
            case .unreadableFile, .missingColumn, .badCell: return dataError
            case .cannotOpen, .newerSchema, .database: return ioError
            }
        default: return software
        }
    }
}
