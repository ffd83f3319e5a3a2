/// A 24-bit colour.
public struct RGB: Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// Rec. 601 luma from 0 to 255, used for shading when colour is off.
    public var luma: Int {
        (299 * Int(red) + 587 * Int(green) + 114 * Int(blue)) / 1000
    }
}

/// The meaning of a cell's content. The theme turns each role into
/// colours and attributes, so views never name a colour themselves.
public enum StyleRole: Hashable, Sendable {
    case text
    case dim
    case title
    case heading
    case border
    case status
    case message
    case error
    case prompt
    /// Prompt characters whose tokens fall past the context length.
    case promptTruncated
    /// Prompt characters that produced the selected token.
    case sourceHighlight
    /// A token chip; the index picks one of the theme's chip colours.
    case chip(Int)
    case chipSpecial
    case chipSelected
    case tokenID
    case slotSpecial
    case slotToken(Int)
    case slotPadding
    case slotTruncated
    case bar
    case barEmpty
    case spinner
    /// Two image pixels in one cell: the upper half block's foreground and background.
    case pixel(upper: RGB, lower: RGB)
}
