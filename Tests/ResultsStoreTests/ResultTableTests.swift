import Foundation
import Testing
import ResultsStore

@Suite struct ResultTableTests {
    private let table = ResultTable(columns: ["name", "note", "error", "steps"], rows: [
        [.text("v4"), .text("plain"), .real(0.125), .integer(100)],
        [.text("a,b"), .text("say \"hi\"\nbye"), .null, .integer(-3)],
        [.text("tab\there"), .text("\u{1}"), .real(.infinity), .blob([0xde, 0xad])],
    ])

    @Test func csvQuotesFieldsPerRFC4180() {
        #expect(table.formatted(as: .csv) == """
            name,note,error,steps\r
            v4,plain,0.125,100\r
            "a,b","say ""hi""
            bye",,-3\r
            tab\there,\u{1},inf,dead\r

            """)
    }

    @Test func jsonIsAnArrayOfObjects() throws {
        let text = table.formatted(as: .json)
        #expect(text == """
            [
              {"name": "v4", "note": "plain", "error": 0.125, "steps": 100},
              {"name": "a,b", "note": "say \\"hi\\"\\nbye", "error": null, "steps": -3},
              {"name": "tab\\there", "note": "\\u0001", "error": null, "steps": "dead"}
            ]

            """)
        let parsed = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(parsed.count == 3 && parsed[1]["note"] as? String == "say \"hi\"\nbye")
        #expect(ResultTable(columns: ["x"], rows: []).formatted(as: .json) == "[]\n")
    }

    @Test func booleanColumnsPrintAsTrueAndFalse() {
        let flags = ResultTable(columns: ["id", "dead"], rows: [[.integer(1), .integer(1)], [.integer(2), .integer(0)]],
                                booleanColumns: ["dead"])
        #expect(flags.formatted(as: .json) == "[\n  {\"id\": 1, \"dead\": true},\n  {\"id\": 2, \"dead\": false}\n]\n")
        #expect(flags.formatted(as: .csv) == "id,dead\r\n1,true\r\n2,false\r\n")
        #expect(flags.formatted(as: .text) == "id  dead\n--  -----\n 1  true\n 2  false\n")
    }

    @Test func textAlignsColumnsAndRightAlignsNumbers() {
        let small = ResultTable(columns: ["model", "error", "n"], rows: [
            [.text("inception-v4"), .real(0.25), .integer(7)],
            [.text("v3"), .null, .integer(1234)],
        ])
        #expect(small.formatted(as: .text) == """
            model         error     n
            ------------  -----  ----
            inception-v4   0.25     7
            v3                   1234

            """)
    }

    @Test func textRoundsRealsWhileCSVKeepsThemExact() {
        let table = ResultTable(columns: ["error"], rows: [[.real(0.15459999999999996)]])
        #expect(table.formatted(as: .text) == " error\n------\n0.1546\n")
        #expect(table.formatted(as: .csv) == "error\r\n0.15459999999999996\r\n")
    }
}
