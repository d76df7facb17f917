import Testing
@testable import SPCSCostTOML

/// The TOML 1.0 reader: the spec's examples read as the spec says, malformed input is an error with its line and
/// column (never a crash), and the nesting limit holds.
struct TOMLReaderTests {
    func parse(_ text: String) throws -> TOMLTable { try TOMLTable(string: text) }

    func error(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLParseError? {
        do {
            _ = try TOMLTable(string: text)
            Issue.record("expected an error for \(text.debugDescription)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Inputs that aborted the process through toml++ (hardening issue, item 2)

    @Test(arguments: ["[=", "[&", "\u{032A}", "a = 1\n\u{032A}", "[a]\n[=", "x = [=", "{", "]", "[[", "[[a]", "a.=1"])
    func malformedDocumentsAreErrorsNotCrashes(_ text: String) {
        let e = error(text)
        #expect(e?.line ?? 0 >= 1)
        #expect(e?.reason.isEmpty == false)
    }

    @Test func openBracketEqualsNamesLineColumnAndWhatWasFound() {
        let e = error("[=")
        #expect(e == TOMLParseError(line: 1, column: 2,
                                    reason: "expected a key (letters, digits, '_' or '-', or a quoted string), found '='"))
    }

    // MARK: The spec's examples

    @Test func keysAndBasicTypes() throws {
        let t = try parse("""
            # a comment
            key = "value"   # trailing comment
            bare_key = 'literal'
            bare-key = true
            1234 = false
            "quoted key" = 1_000
            'single' = -17
            site."google.com" = true
            fruit . color = "yellow"
            hex = 0xDEAD_beef
            oct = 0o755
            bin = 0b1101
            flt1 = +1.0
            flt2 = 3.1415
            flt3 = -0.01
            flt4 = 5e+22
            flt5 = 1e06
            flt6 = -2E-2
            flt7 = 6.626e-34
            flt8 = 224_617.445_991_228
            sf1 = inf
            sf2 = -inf
            sf3 = nan
            int_max = 9223372036854775807
            int_min = -9223372036854775808
            zero = +0
            """)
        #expect(t.keys.first == "key")
        #expect(t["key"] == .string("value"))
        #expect(t["bare_key"] == .string("literal"))
        #expect(t["bare-key"] == .boolean(true))
        #expect(t["1234"] == .boolean(false))
        #expect(t["quoted key"] == .integer(1000))
        #expect(t["single"] == .integer(-17))
        #expect(t["site"]?.table?["google.com"] == .boolean(true))
        #expect(t["fruit"]?.table?["color"] == .string("yellow"))
        #expect(t["hex"] == .integer(0xDEADBEEF))
        #expect(t["oct"] == .integer(0o755))
        #expect(t["bin"] == .integer(13))
        #expect(t["flt1"] == .float(1))
        #expect(t["flt2"] == .float(3.1415))
        #expect(t["flt3"] == .float(-0.01))
        #expect(t["flt4"] == .float(5e22))
        #expect(t["flt5"] == .float(1e6))
        #expect(t["flt6"] == .float(-0.02))
        #expect(t["flt7"] == .float(6.626e-34))
        #expect(t["flt8"] == .float(224617.445991228))
        #expect(t["sf1"] == .float(.infinity))
        #expect(t["sf2"] == .float(-.infinity))
        #expect(t["sf3"]?.double?.isNaN == true)
        #expect(t["int_max"] == .integer(.max))
        #expect(t["int_min"] == .integer(.min))
        #expect(t["zero"] == .integer(0))
        #expect(t["int_max"]?.type.description == "integer")
        #expect(t["flt1"]?.type.description == "floating-point number")
    }

    @Test func strings() throws {
        let t = try parse(#"""
            str = "I'm a string. \"You can quote me\". Name\tJos\u00E9\nLocation\tSF. \U0001F600"
            str1 = """
            Roses are red
            Violets are blue"""
            str2 = """
            The quick brown \


              fox jumps over \
                the lazy dog."""
            str3 = """Here are two quotation marks: "". Simple enough."""
            str4 = """Here are fifteen quotation marks: ""\"""\"""\"""\"""\"."""
            str5 = """"This," she said, "is just a pointless statement.\""""
            winpath = 'C:\Users\nodejs\templates'
            regex = '<\i\c*\s*>'
            lines = '''
            The first newline is
            trimmed in raw strings.
               All other whitespace
               is preserved.
            '''
            quot15 = '''Here are fifteen quotation marks: """""""""""""""'''
            apos15 = "Here are fifteen apostrophes: '''''''''''''''"
            str6 = ''''That,' she said, 'is still pointless.''''
            """#)
        #expect(t["str"] == .string("I'm a string. \"You can quote me\". Name\tJos\u{E9}\nLocation\tSF. \u{1F600}"))
        #expect(t["str1"] == .string("Roses are red\nViolets are blue"))
        #expect(t["str2"] == .string("The quick brown fox jumps over the lazy dog."))
        #expect(t["str3"] == .string("Here are two quotation marks: \"\". Simple enough."))
        #expect(t["str4"] == .string("Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\"."))
        #expect(t["str5"] == .string("\"This,\" she said, \"is just a pointless statement.\""))
        #expect(t["winpath"] == .string(#"C:\Users\nodejs\templates"#))
        #expect(t["regex"] == .string(#"<\i\c*\s*>"#))
        #expect(t["lines"] == .string("The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n"))
        #expect(t["quot15"] == .string("Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\""))
        #expect(t["apos15"] == .string("Here are fifteen apostrophes: '''''''''''''''"))
        #expect(t["str6"] == .string("'That,' she said, 'is still pointless.'"))
    }

    @Test func datesAndTimes() throws {
        let t = try parse("""
            odt1 = 1979-05-27T07:32:00Z
            odt2 = 1979-05-27T00:32:00-07:00
            odt3 = 1979-05-27T00:32:00.999999+07:00
            odt4 = 1979-05-27 07:32:00Z
            ldt1 = 1979-05-27T07:32:00
            ld1 = 1979-05-27
            lt1 = 07:32:00
            lt2 = 00:32:00.999999
            leap = 2024-02-29
            """)
        #expect(t["odt1"]?.dateTime?.offsetMinutes == 0)
        #expect(t["odt2"]?.dateTime?.offsetMinutes == -420)
        #expect(t["odt3"]?.dateTime?.time?.nanosecond == 999_999_000)
        #expect(t["odt4"]?.dateTime?.text == "1979-05-27 07:32:00Z")
        #expect(t["ldt1"]?.dateTime?.offsetMinutes == nil)
        #expect(t["ldt1"]?.type == .dateTime)
        #expect(t["ld1"]?.type == .date)
        #expect(t["lt1"]?.type == .time)
        #expect(t["lt2"]?.dateTime?.time?.second == 0)
        #expect(t["leap"]?.dateTime?.date?.day == 29)
        #expect(t["ld1"]?.string == nil)
    }

    @Test func arraysAndInlineTables() throws {
        let t = try parse("""
            integers = [ 1, 2, 3 ]
            nested_mixed_array = [ [ 1, 2 ], ["a", "b", "c"] ]
            numbers = [ 0.1, 0.2, 0.5, 1, 2, 5 ]
            contributors = [
              "Foo Bar <foo@example.com>",  # a comment
              { name = "Baz Qux", email = "bazqux@example.com", url = "https://example.com/bazqux" },
            ]
            name = { first = "Tom", last = "Preston-Werner" }
            animal = { type.name = "pug" }
            empty = {}
            none = []
            """)
        #expect(t["integers"] == .array([.integer(1), .integer(2), .integer(3)]))
        #expect(t["nested_mixed_array"]?.array?[1] == .array([.string("a"), .string("b"), .string("c")]))
        #expect(t["numbers"]?.array?.count == 6)
        #expect(t["contributors"]?.array?[1].table?["name"] == .string("Baz Qux"))
        #expect(t["name"]?.table?.keys == ["first", "last"])
        #expect(t["animal"]?.table?["type"]?.table?["name"] == .string("pug"))
        #expect(t["empty"] == .table(TOMLTable()))
        #expect(t["none"] == .array([]))
    }

    @Test func tablesAndArraysOfTables() throws {
        let t = try parse("""
            [table-1]
            key1 = "some string"

            [ dog . "tater.man" ]
            type.name = "pug"

            # [x] [x.y] [x.y.z] need not be written first
            [x.y.z.w]
            [x]

            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]
            smooth = true

            [[products]]
            name = "Hammer"
            [[products]]
            [[products]]
            name = "Nail"

            [[fruits]]
            name = "apple"
            [fruits.physical]
            color = "red"
            [[fruits.varieties]]
            name = "red delicious"
            [[fruits.varieties]]
            name = "granny smith"
            [[fruits]]
            name = "banana"
            """)
        #expect(t.keys == ["table-1", "dog", "x", "fruit", "products", "fruits"])
        #expect(t["dog"]?.table?["tater.man"]?.table?["type"]?.table?["name"] == .string("pug"))
        #expect(t["x"]?.table?["y"]?.table?["z"]?.table?["w"] == .table(TOMLTable()))
        #expect(t["fruit"]?.table?["apple"]?.table?["texture"]?.table?["smooth"] == .boolean(true))
        #expect(t["products"]?.array?.count == 3)
        #expect(t["products"]?.array?[1] == .table(TOMLTable()))
        let fruits = t["fruits"]?.array
        #expect(fruits?.count == 2)
        #expect(fruits?[0].table?["varieties"]?.array?.count == 2)
        #expect(fruits?[0].table?["physical"]?.table?["color"] == .string("red"))
        #expect(fruits?[1].table?["name"] == .string("banana"))
    }

    @Test func windowsLineEndingsAndByteOrderMark() throws {
        let t = try parse("\u{FEFF}a = 1\r\n[b]\r\nc = \"\"\"\r\nx\r\ny\"\"\"\r\n")
        #expect(t["a"] == .integer(1))
        #expect(t["b"]?.table?["c"] == .string("x\ny"))
    }

    // MARK: What TOML 1.0 refuses, with the line of the problem

    @Test(arguments: [
        ("a = 1\na = 2", 2, "the key 'a' is defined twice; keep one"),
        ("[a]\nb = 1\n[a]\nc = 2", 3, "the table [a] is defined twice; merge the two"),
        ("[fruit]\napple.color = \"red\"\n[fruit.apple]", 3,
         "[fruit.apple] was already defined with dotted keys; add its keys there or use a sub-table"),
        ("[a.b.c]\nz = 9\n[a]\nb.c.t = 1", 4,
         "the dotted key 'b.c.t' reaches into the table 'b', which is defined elsewhere; set the key under that table's header"),
        ("a = {}\n[a.b]", 2, "[a.b]: 'a' is an inline table, which is closed; write all its keys inside { ... }"),
        ("a = []\n[[a]]", 2, "[a]: 'a' is an array value, which is closed; write all its elements inside [ ... ]"),
        ("a = 1\na.b = 2", 2, "the key 'a' already holds an integer value, not a table"),
        ("[a]\n[[a]]", 2, "[[a]] is already a table ([a]); an array of tables needs [[a]] everywhere"),
        ("[[a]]\n[a]", 2, "[a] is already an array of tables ([[a]]); write [[a]] here too"),
        ("a = \"open\nb = 1", 1, "the string is not closed on its line; close it with '\"' or use \"\"\" for several lines"),
        ("a = 01", 1, "'01': an integer cannot have leading zeros"),
        ("a = 9223372036854775808", 1, "'9223372036854775808' does not fit in 64 bits"),
        ("a = -0x1", 1, "'-0x1': a hexadecimal, octal or binary integer cannot have a sign"),
        ("a = 1__0", 1, "'1__0' is not a value; quote text as \"...\""),
        ("a = .5", 1, "'.5' is not a value; quote text as \"...\" (booleans are true and false)"),
        ("a = 1.", 1, "'1.' is not a number: a '.' needs digits on both sides"),
        ("a = True", 1, "'True' is not a value; quote text as \"...\" (booleans are true and false)"),
        ("a = hello", 1, "'hello' is not a value; quote text as \"...\" (booleans are true and false)"),
        ("a = 2024-02-30", 1, "'2024-02-30' is not a TOML date or time: day 30 does not exist in that month"),
        ("a = 24:00:00", 1, "'24:00:00' is not a TOML date or time: the time is out of range"),
        ("a = \"\\x41\"", 1, "'\\x' is not an escape; write a backslash as \\\\"),
        ("a = \"\\uD800\"", 1, "the escape does not name a Unicode scalar value (surrogates and values above 10FFFF are not)"),
        ("a = { b = 1, }", 1, "an inline table cannot end with ','; remove it"),
        ("a = { b = 1\n}", 1, "an inline table must be closed with '}' on the same line"),
        ("a = [1, 2", 1, "the array is not closed with ']'"),
        ("a = 1 b = 2", 1, "expected the end of the line, found 'b'; put each key = value or [table] on its own line"),
        ("a\n", 1, "expected '=' and a value after the key 'a'"),
        ("a = 1\r", 1, "a carriage return must be followed by a line feed"),
        ("a = \"x\u{7}\"", 1, "a string holds the control character U+0007; write it as an escape such as \\u0000"),
        ("# bell \u{7}", 1, "a comment holds the control character U+0007"),
        ("\n\n  name = \"x\"\n  [=", 4, "expected a key (letters, digits, '_' or '-', or a quoted string), found '='"),
    ] as [(String, Int, String)])
    func refused(_ text: String, line: Int, reason: String) {
        let e = error(text)
        #expect(e?.reason == reason)
        #expect(e?.line == line)
    }

    @Test func columnsCountCharactersNotBytes() {
        #expect(error("k = \"é\" x")?.column == 9)
    }

    // MARK: Nesting limits keep recursion shallow on any input

    @Test func deepArraysAndInlineTablesAreRefused() {
        let depth = TOMLTable.maximumDepth + 1
        #expect(error("a = " + String(repeating: "[", count: 100_000))?.reason
                == "values nest deeper than \(TOMLTable.maximumDepth) levels")
        #expect(error("a = " + String(repeating: "{b=", count: depth))?.reason
                == "values nest deeper than \(TOMLTable.maximumDepth) levels")
        #expect(error("[" + Array(repeating: "a", count: 10_000).joined(separator: ".") + "]")?.reason
                == "a dotted key has more than \(TOMLTable.maximumDepth) parts")
    }

    @Test func nestingUpToTheLimitIsRead() throws {
        let n = TOMLTable.maximumDepth - 1
        let t = try parse("a = " + String(repeating: "[", count: n) + String(repeating: "]", count: n))
        #expect(t["a"]?.array?.count == 1)
        let keys = Array(repeating: "k", count: TOMLTable.maximumDepth).joined(separator: ".")
        #expect(try parse("\(keys) = 1").count == 1)
    }
}
