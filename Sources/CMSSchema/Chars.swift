/// ASCII character classes, without regular expressions (they are on the hot path of 10,000 files).
enum Chars {
    static func isASCIILetter(_ s: Unicode.Scalar) -> Bool { (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") }
    static func isLower(_ s: Unicode.Scalar) -> Bool { s >= "a" && s <= "z" }
    static func isDigit(_ s: Unicode.Scalar) -> Bool { s >= "0" && s <= "9" }
    static func isHex(_ s: Unicode.Scalar) -> Bool { isDigit(s) || (s >= "a" && s <= "f") || (s >= "A" && s <= "F") }
    static func isAlnum(_ s: Unicode.Scalar) -> Bool { isASCIILetter(s) || isDigit(s) }
}
