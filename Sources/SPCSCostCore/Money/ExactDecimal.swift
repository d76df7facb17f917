import Foundation

/// Strict parsing and exact text of decimals. Foundation's `Decimal(string:)` accepts a valid prefix ("1.2abc" is
/// 1.2) and reads the machine's locale in some overloads; spcs-cost only takes plain `[-]digits[.digits]`.
public enum ExactDecimal {
    /// Parses `[-+]digits[.digits]` (also `.5` and `5.`), with `.` as the decimal separator and no grouping,
    /// exponent or spaces; nil for anything else (for example `0,110`, `1e3`, `NaN`, ``).
    public static func parse(_ text: some StringProtocol) -> Decimal? {
        var sawDigit = false
        var sawPoint = false
        for (i, ch) in text.enumerated() {
            switch ch {
            case "0"..."9": sawDigit = true
            case ".": if sawPoint { return nil }; sawPoint = true
            case "-", "+": if i != 0 { return nil }
            default: return nil
            }
        }
        guard sawDigit else { return nil }
        return Decimal(string: String(text), locale: posix)
    }

    /// The exact, unrounded text of `value` with `.` as separator and no grouping (for example `33858`,
    /// `225.72`, `0.733333333333333333333`).
    public static func text(_ value: Decimal) -> String {
        if let p = parts(value), let t = text(negative: p.negative, digits: p.significand, scale: -p.exponent, trim: true) {
            return t
        }
        if let t = wideText(value) { return t }
        var v = value
        return NSDecimalString(&v, posix)
    }

    /// ``text(_:)`` of a value beyond 64 bits with a fraction (a sum with 1/60 of a credit): its whole significand
    /// (``wideParts(_:)``) with the point `-exponent` places from the right, trailing zeros of the fraction removed,
    /// as `NSDecimalString` writes it; nil for other values.
    static func wideText(_ value: Decimal) -> String? {
        guard var (negative, m, e) = wideParts(value), m != 0, (-60..<0).contains(e) else { return nil }
        while e < 0, m % 10 == 0 { m /= 10; e += 1 }
        negative = negative && m != 0
        var digits = String(m)
        let scale = -e
        guard scale > 0 else { return (negative ? "-" : "") + digits }
        if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
        let point = digits.index(digits.endIndex, offsetBy: -scale)
        return (negative ? "-" : "") + digits[..<point] + "." + digits[point...]
    }

    static let posix = Locale(identifier: "en_US_POSIX")

    /// `value` as ±`significand` × 10^`exponent` with a significand below 1.8 × 10^19 and without trailing zeros
    /// (0 for zero, exponent 0); nil for NaN or a significand that needs more than 64 bits (up to 38 digits, such as
    /// `0.7333333333333333333333333333333333333`), which callers then treat with Foundation's slower text. Read
    /// through Decimal's public `significand`, `exponent` and `sign` and `NSDecimalNumber`, exactly.
    ///
    /// Reports format millions of cells, each through this: the parts are read from the value's 20 bytes (exponent,
    /// length and sign, eight 16-bit words of significand) when ``storageLayoutChecked`` found that layout, without an
    /// object per call; else through `NSDecimalNumber`, as ``foundationParts(_:)``. Both give the same parts.
    @inline(__always)
    public static func parts(_ value: Decimal) -> (negative: Bool, significand: UInt64, exponent: Int)? {
        storageLayoutChecked ? storageParts(value) : foundationParts(value)
    }

    /// ``parts(_:)`` through Foundation's public API: `significand` as an `NSDecimalNumber` (one object per call).
    static func foundationParts(_ value: Decimal) -> (negative: Bool, significand: UInt64, exponent: Int)? {
        if value.isNaN { return nil }
        if value.isZero { return (false, 0, 0) }
        let number = NSDecimalNumber(decimal: value.significand)
        // `uint64Value` wraps above 2^64; the double is close enough to tell.
        guard number.doubleValue < 1.8e19 else { return nil }
        var m = number.uint64Value
        var e = value.exponent
        while m % 10 == 0 { m /= 10; e += 1 }
        return (value.sign == .minus, m, e)
    }

    /// ``parts(_:)`` read from the bytes of `value` as swift-foundation lays a Decimal out: byte 0 the exponent
    /// (Int8), byte 1 the length in 16-bit words (high 4 bits) and the sign (bit 3), then from byte 4 the significand
    /// in eight little-endian 16-bit words, least significant first. Only used when ``storageLayoutChecked``.
    static func storageParts(_ value: Decimal) -> (negative: Bool, significand: UInt64, exponent: Int)? {
        withUnsafeBytes(of: value) { b -> (negative: Bool, significand: UInt64, exponent: Int)? in
            let flags = b[1]
            let length = Int(flags >> 4)
            let negative = flags & 0x08 != 0
            // Length 0: zero, or NaN with the sign bit set.
            if length == 0 { return negative ? nil : (false, 0, 0) }
            guard length <= 4 else { return nil }
            var m: UInt64 = 0
            var i = length - 1
            while i >= 0 {
                m = m << 16 | UInt64(b[4 + 2 * i]) | UInt64(b[5 + 2 * i]) << 8
                i -= 1
            }
            guard m != 0 else { return (false, 0, 0) }
            guard Double(m) < 1.8e19 else { return nil }
            var e = Int(Int8(bitPattern: b[0]))
            while m % 10 == 0 { m /= 10; e += 1 }
            return (negative, m, e)
        }
    }

    /// True when ``storageParts(_:)`` reads this Foundation's Decimals as ``foundationParts(_:)`` does: checked once,
    /// on values of every length, sign and exponent range (and zero and NaN), before the byte reading is trusted.
    static let storageLayoutChecked: Bool = {
        guard MemoryLayout<Decimal>.size == 20 else { return false }
        var samples: [Decimal] = [0, 1, -1, 100, .nan, Decimal(UInt64.max), Decimal(1) / Decimal(3),
                                  Decimal(sign: .minus, exponent: 5, significand: 12)]
        for text in ["-1234.5600", "0.000000001", "123456789012.345678", "-0.5", "65535", "65536", "4294967296",
                     "281474976710656", "17999999999999999", "0.7333333333333333333333333333333333333",
                     "-98765432109876543.21", "1e-120", "12e100"] {
            if let d = Decimal(string: text, locale: posix) { samples.append(d) }
        }
        for s in samples {
            let a = foundationParts(s), b = storageParts(s)
            guard a?.negative == b?.negative, a?.significand == b?.significand, a?.exponent == b?.exponent else {
                return false
            }
        }
        return true
    }()

    /// `value` as ±`significand` × 10^`exponent` with its whole significand (up to Decimal's 38 digits; trailing
    /// zeros kept), read from the value's bytes as ``storageParts(_:)`` reads them, for values beyond 64 bits (a sum
    /// with 1/60 of a credit); nil for NaN, or when ``wideLayoutChecked`` did not find that layout.
    public static func wideParts(_ value: Decimal) -> (negative: Bool, significand: UInt128, exponent: Int)? {
        wideLayoutChecked ? storageWideParts(value) : nil
    }

    static func storageWideParts(_ value: Decimal) -> (negative: Bool, significand: UInt128, exponent: Int)? {
        withUnsafeBytes(of: value) { b -> (negative: Bool, significand: UInt128, exponent: Int)? in
            let flags = b[1]
            let length = Int(flags >> 4)
            let negative = flags & 0x08 != 0
            if length == 0 { return negative ? nil : (false, 0, 0) }
            guard length <= 8 else { return nil }
            var m: UInt128 = 0
            var i = length - 1
            while i >= 0 {
                m = m << 16 | UInt128(b[4 + 2 * i]) | UInt128(b[5 + 2 * i]) << 8
                i -= 1
            }
            return (negative, m, Int(Int8(bitPattern: b[0])))
        }
    }

    /// True when ``storageWideParts(_:)`` reads this Foundation's Decimals of every length (up to 38 digits) as their
    /// public `significand`, `exponent` and `sign` say: checked once, before the byte reading is trusted.
    static let wideLayoutChecked: Bool = {
        guard storageLayoutChecked else { return false }
        var samples: [Decimal] = [0, 1, -1, 65536, Decimal(1) / 3, Decimal(-2) / 7, Decimal(60) / 3600,
                                  Decimal(UInt64.max) * 1000 + 7]
        for text in ["0.7333333333333333333333333333333333333", "-98765432109876543210987654321.0123456",
                     "12345678901234567890123456789012345678", "0.000000001", "1e-120", "12e100"] {
            if let d = Decimal(string: text, locale: posix) { samples.append(d) }
        }
        for s in samples {
            guard let p = storageWideParts(s) else { return false }
            if s.isZero { if p.significand != 0 { return false }; continue }
            guard let m = Decimal(string: String(p.significand), locale: posix), m == s.significand,
                  p.exponent == s.exponent, p.negative == (s.sign == .minus) else { return false }
        }
        return true
    }()

    /// The text of ±`digits` × 10^-`scale`: `scale` fraction digits (zeros padded on the left as needed), trailing
    /// fraction zeros removed when `trim`, and thousands grouped by `,` when `grouped`; no sign for zero. nil when
    /// the text would be longer than 120 bytes.
    public static func text(negative: Bool, digits: UInt64, scale: Int, trim: Bool, grouped: Bool = false) -> String? {
        var n = digits
        var scale = scale
        var zerosAfter = 0
        if scale < 0 { zerosAfter = -scale; scale = 0 }
        if trim { while scale > 0, n % 10 == 0, n != 0 { n /= 10; scale -= 1 } }
        if n == 0 && trim { scale = 0 }
        guard scale <= 60, zerosAfter <= 60 else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 240) { scratch -> String in
            // The text in the first 160 bytes; the digits of n, least significant first, at least scale + 1 of them
            // (at most 61), in the last 80 (no array per call: reports write millions of numbers).
            let buf = UnsafeMutableBufferPointer(rebasing: scratch[0..<160])
            var raw = Digits(UnsafeMutableBufferPointer(rebasing: scratch[160..<240]))
            var k = n
            repeat { raw.append(UInt8(48 + k % 10)); k /= 10 } while k > 0
            while raw.count < scale + 1 { raw.append(48) }
            var i = 0
            if negative && n != 0 { buf[i] = UInt8(ascii: "-"); i += 1 }
            let whole = raw.count - scale
            for j in 0..<whole {
                if grouped && j > 0 && (whole + zerosAfter - j) % 3 == 0 { buf[i] = UInt8(ascii: ","); i += 1 }
                buf[i] = raw[raw.count - 1 - j]; i += 1
            }
            for j in 0..<zerosAfter {
                if grouped && (zerosAfter - j) % 3 == 0 { buf[i] = UInt8(ascii: ","); i += 1 }
                buf[i] = 48; i += 1
            }
            if scale > 0 {
                buf[i] = UInt8(ascii: "."); i += 1
                for j in stride(from: scale - 1, through: 0, by: -1) { buf[i] = raw[j]; i += 1 }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buf[0..<i]), as: UTF8.self)
        }
    }
}

/// Digits written into a scratch buffer, least significant first (``ExactDecimal/text(negative:digits:scale:trim:grouped:)``).
private struct Digits {
    let storage: UnsafeMutableBufferPointer<UInt8>
    var count = 0
    init(_ storage: UnsafeMutableBufferPointer<UInt8>) { self.storage = storage }
    mutating func append(_ digit: UInt8) { storage[count] = digit; count += 1 }
    subscript(_ i: Int) -> UInt8 { storage[i] }
}

/// A running sum of Decimals whose ``value`` equals adding them one by one with Decimal's `+` from 0, made in 64-bit
/// integers while the sum fits (a report adds up hundreds of thousands of days; Decimal's `+` allocates per call).
/// Exact: while every addend and partial sum fits in 64 bits at the smallest exponent met, Decimal's own sums are
/// exact too (under 20 of its 38 digits), so the values agree; from the first addend or sum that does not fit, the
/// sum goes on with Decimal's `+` from that same exact value.
public struct DecimalSum: Sendable {
    /// The sum is `significand` × 10^`exponent` while ``decimal`` is nil.
    private var significand: Int64 = 0
    private var exponent = 0
    /// The sum, once it has left 64 bits.
    private var decimal: Decimal?

    /// An empty sum (0).
    public init() {}

    /// The sum so far.
    public var value: Decimal {
        if let decimal { return decimal }
        if significand == 0 { return 0 }
        return Decimal(sign: significand < 0 ? .minus : .plus, exponent: exponent,
                       significand: Decimal(significand.magnitude))
    }

    /// The sum of `values` in their order: the value of `values.reduce(0, +)`.
    public static func of(_ values: some Sequence<Decimal>) -> Decimal {
        var s = DecimalSum()
        for v in values { s.add(v) }
        return s.value
    }

    /// Adds `x`.
    public mutating func add(_ x: Decimal) {
        if decimal == nil, let p = ExactDecimal.parts(x), addExactly(p) { return }
        decimal = value + x
    }

    /// Adds the product `a` × `b` × `c`, as Decimal's `(a * b) * c` makes it (how the ledger prices a quantity at a
    /// price and an exchange rate, ``Pricing/charge(_:_:at:)``): the three significands multiplied in 64 bits when
    /// each factor and the product fit (both exact, so the values agree), else Decimal's own products.
    public mutating func add(product a: Decimal, _ b: Decimal, _ c: Decimal) {
        if decimal == nil, let pa = ExactDecimal.parts(a), let pb = ExactDecimal.parts(b), let pc = ExactDecimal.parts(c) {
            let (ab, o1) = pa.significand.multipliedReportingOverflow(by: pb.significand)
            let (abc, o2) = ab.multipliedReportingOverflow(by: pc.significand)
            let e = pa.exponent + pb.exponent + pc.exponent
            if !o1, !o2, (-100...100).contains(e), addExactly((pa.negative != pb.negative) != pc.negative && abc != 0, abc,
                                    abc == 0 ? 0 : e) {
                return
            }
        }
        add((a * b) * c)
    }

    /// Adds ±`significand` × 10^`exponent` in 64 bits; false (nothing changed) when it does not fit.
    private mutating func addExactly(_ negative: Bool, _ significand: UInt64, _ exponent: Int) -> Bool {
        addExactly((negative, significand, exponent))
    }

    /// Adds ±`significand` × 10^`exponent` in 64 bits; false (nothing changed) when it does not fit.
    private mutating func addExactly(_ p: (negative: Bool, significand: UInt64, exponent: Int)) -> Bool {
        guard p.significand <= UInt64(Int64.max) else { return false }
        let e = min(exponent, p.exponent)
        guard let acc = Self.scaled(significand, by: exponent - e),
              let x = Self.scaled(p.negative ? -Int64(p.significand) : Int64(p.significand), by: p.exponent - e) else {
            return false
        }
        let (sum, overflow) = acc.addingReportingOverflow(x)
        guard !overflow else { return false }
        significand = sum
        exponent = sum == 0 ? 0 : e
        return true
    }

    /// `v` × 10^`digits` (`digits` ≥ 0); nil on overflow.
    private static func scaled(_ v: Int64, by digits: Int) -> Int64? {
        guard digits > 0, v != 0 else { return v }
        guard digits <= 18 else { return nil }
        var r = v
        for _ in 0..<digits {
            let (m, overflow) = r.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            r = m
        }
        return r
    }
}
