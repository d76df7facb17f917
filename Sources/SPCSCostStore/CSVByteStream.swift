import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a CSV file, standard input or an in-memory `Data`, read in chunks of 1 MiB so memory does not grow
/// with the file. While reading it checks that the bytes are UTF-8 and computes their SHA-256.
///
/// A byte-order mark at the start is skipped (the checksum still covers it).
public final class CSVByteStream {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let file: String
    private var pending: Data?
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var count = 0
    private var position = 0
    private var atEnd = false
    private var started = false
    private var hasher = SHA256()
    private var utf8Tail: [UInt8] = []
    /// Bytes read so far (the whole input once ``next()`` has returned the end).
    public private(set) var bytesRead = 0

    /// The chunk size: 1 MiB.
    public static let chunkBytes = 1 << 20

    /// Reads the open file descriptor `fd` (a file or standard input); `file` names it in error messages. With
    /// `closeWhenDone`, the descriptor is closed when the stream is released.
    public init(fileDescriptor fd: Int32, file: String, closeWhenDone: Bool) {
        self.fd = fd
        self.ownsDescriptor = closeWhenDone
        self.file = file
        capacity = Self.chunkBytes
        buffer = .allocate(capacity: capacity)
    }

    /// Reads `data` (already in memory); `file` names it in error messages.
    public init(data: Data, file: String) {
        fd = -1
        ownsDescriptor = false
        self.file = file
        pending = data
        capacity = max(data.count, 1)
        buffer = .allocate(capacity: capacity)
    }

    /// Opens the file at `path` for reading.
    /// - Throws: ``StoreError/unreadableFile(file:reason:)`` when it cannot be opened (missing, a folder, no
    ///   permission).
    public static func open(path: String, file: String) throws(StoreError) -> CSVByteStream {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadableFile(file: file, reason: "no such file; check the path")
        }
        guard !isDirectory.boolValue else {
            throw .unreadableFile(file: file, reason: "it is a folder, not a file; check the path")
        }
        #if canImport(Glibc)
        let fd = Glibc.open(path, O_RDONLY)
        #else
        let fd = Darwin.open(path, O_RDONLY)
        #endif
        guard fd >= 0 else {
            throw .unreadableFile(file: file, reason: "permission denied or unreadable; check the path")
        }
        return CSVByteStream(fileDescriptor: fd, file: file, closeWhenDone: true)
    }

    deinit {
        buffer.deallocate()
        if ownsDescriptor { _ = close(fd) }
    }

    /// Hex SHA-256 of every byte read; call it once the stream has reached its end.
    public func checksum() -> String {
        hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The next byte, or -1 at the end of the input.
    /// - Throws: ``StoreError/unreadableFile(file:reason:)`` when a read fails or the bytes are not UTF-8.
    @inline(__always)
    func next() throws(StoreError) -> Int32 {
        if position < count {
            let b = buffer[position]
            position += 1
            return Int32(b)
        }
        return try refillAndNext()
    }

    /// Appends the bytes up to the next `delimiter`, CR or LF to `bytes` (a run at a time, not byte by byte) and
    /// returns that terminator, consumed; -1 at the end of the input.
    /// - Throws: as ``next()``.
    func appendUnquoted(delimiter: UInt8, to bytes: inout [UInt8]) throws(StoreError) -> Int32 {
        while true {
            while position >= count {
                if atEnd { return -1 }
                try fill()
            }
            var i = position
            let end = count
            while i < end {
                let b = buffer[i]
                if b == delimiter || b == 0x0A || b == 0x0D { break }
                i += 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(start: buffer + position, count: i - position))
            if i < end {
                position = i + 1
                return Int32(buffer[i])
            }
            position = end
        }
    }

    @inline(never)
    private func refillAndNext() throws(StoreError) -> Int32 {
        while position >= count {
            if atEnd { return -1 }
            try fill()
        }
        let b = buffer[position]
        position += 1
        return Int32(b)
    }

    private func fill() throws(StoreError) {
        position = 0
        count = 0
        if let data = pending {
            pending = nil
            data.copyBytes(to: buffer, count: data.count)
            count = data.count
        } else if fd >= 0 {
            // Fill the whole chunk when the source gives less per read (a pipe gives 64 KiB at a time).
            while count < capacity {
                let n = read(fd, buffer + count, capacity - count)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw .unreadableFile(file: file, reason: "reading failed (\(String(cString: strerror(errno))))")
                }
                if n == 0 { break }
                count += n
            }
        }
        if count == 0 {
            atEnd = true
            guard utf8Tail.isEmpty else { throw notUTF8 }
            return
        }
        bytesRead += count
        hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer, count: count))
        try checkUTF8()
        if !started {
            started = true
            if count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { position = 3 }
        }
    }

    private var notUTF8: StoreError {
        .unreadableFile(file: file, reason: "the file is not UTF-8 text; export it again as CSV (UTF-8)")
    }

    /// Checks the chunk (after the incomplete sequence the last chunk ended with) is UTF-8, keeping a sequence cut
    /// by the chunk's end for the next chunk.
    private func checkUTF8() throws(StoreError) {
        var ascii = utf8Tail.isEmpty
        if ascii {
            var i = 0
            let raw = UnsafeRawPointer(buffer)
            while i + 8 <= count {
                if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { ascii = false; break }
                i += 8
            }
            if ascii {
                while i < count { if buffer[i] >= 0x80 { ascii = false; break }; i += 1 }
            }
        }
        if ascii { return }
        var bytes = utf8Tail
        bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: count))
        // Keep a multi-byte sequence cut by the end of the chunk for the next one.
        var cut = bytes.count
        var k = bytes.count - 1
        while k >= 0, k >= bytes.count - 4 {
            let b = bytes[k]
            if b & 0xC0 != 0x80 {
                let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
                if k + length > bytes.count { cut = k }
                break
            }
            k -= 1
        }
        utf8Tail = Array(bytes[cut...])
        let valid = bytes.withUnsafeBufferPointer { String(validating: $0[..<cut], as: UTF8.self) != nil }
        guard valid else { throw notUTF8 }
    }
}
