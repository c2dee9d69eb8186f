import Foundation

/// A line plot as inline SVG: one polyline per series over a shared x axis.
///
/// Each polyline carries its data exactly, as `data-name`, `data-x` and `data-y`
/// (comma-separated, shortest round-trip decimals), so a reader — or a test — can take the
/// numbers back out of the page; `points` holds the same values scaled to the frame.
public struct SVGPlot {
    /// One line.
    public struct Series {
        /// The metric's name, e.g. `train_loss`.
        public var name: String
        /// x values.
        public var x: [Double]
        /// y values, one per x.
        public var y: [Double]

        /// Makes a series.
        public init(name: String, x: [Double], y: [Double]) {
            self.name = name
            self.x = x
            self.y = y
        }
    }

    /// The plot's title.
    public var title: String
    /// The x axis label.
    public var xLabel: String
    /// The lines.
    public var series: [Series]

    static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
    static let width = 460.0, height = 240.0
    static let left = 52.0, right = 12.0, top = 28.0, bottom = 36.0

    /// Makes a plot.
    public init(title: String, xLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.series = series
    }

    /// The `<svg>` element.
    public var svg: String {
        let finite = series.flatMap { zip($0.x, $0.y).filter { $0.0.isFinite && $0.1.isFinite } }
        let xs = finite.map(\.0), ys = finite.map(\.1)
        let xRange = Self.range(xs), yRange = Self.range(ys)
        let frameWidth = Self.width - Self.left - Self.right
        let frameHeight = Self.height - Self.top - Self.bottom
        func px(_ x: Double) -> Double {
            Self.left + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound)
                * frameWidth
        }
        func py(_ y: Double) -> Double {
            Self.top + frameHeight - (y - yRange.lowerBound)
                / (yRange.upperBound - yRange.lowerBound) * frameHeight
        }

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" "
            + "data-title=\"\(HTML.escape(title))\" width=\"\(Int(Self.width))\" "
            + "height=\"\(Int(Self.height))\" viewBox=\"0 0 \(Int(Self.width)) "
            + "\(Int(Self.height))\">\n"
        out += "<text x=\"\(Self.left)\" y=\"16\" class=\"title\">\(HTML.escape(title))</text>\n"
        out += "<rect x=\"\(Self.left)\" y=\"\(Self.top)\" width=\"\(frameWidth)\" "
            + "height=\"\(frameHeight)\" class=\"frame\"/>\n"
        for (value, anchor) in [(yRange.lowerBound, Self.top + frameHeight),
                                (yRange.upperBound, Self.top + 4)] {
            out += "<text x=\"\(Self.left - 4)\" y=\"\(anchor)\" class=\"tick\" "
                + "text-anchor=\"end\">\(Self.label(value))</text>\n"
        }
        let baseline = Self.top + frameHeight + 14
        out += "<text x=\"\(Self.left)\" y=\"\(baseline)\" class=\"tick\">"
            + "\(Self.label(xRange.lowerBound))</text>\n"
        out += "<text x=\"\(Self.left + frameWidth)\" y=\"\(baseline)\" class=\"tick\" "
            + "text-anchor=\"end\">\(Self.label(xRange.upperBound))</text>\n"
        out += "<text x=\"\(Self.left + frameWidth / 2)\" y=\"\(baseline + 14)\" class=\"tick\" "
            + "text-anchor=\"middle\">\(HTML.escape(xLabel))</text>\n"

        for (index, line) in series.enumerated() {
            let colour = Self.colours[index % Self.colours.count]
            let points = zip(line.x, line.y).filter { $0.0.isFinite && $0.1.isFinite }
                .map { String(format: "%.2f,%.2f", px($0.0), py($0.1)) }
                .joined(separator: " ")
            out += "<polyline class=\"series\" data-name=\"\(HTML.escape(line.name))\" "
                + "data-x=\"\(Self.list(line.x))\" data-y=\"\(Self.list(line.y))\" "
                + "points=\"\(points)\" fill=\"none\" stroke=\"\(colour)\" "
                + "stroke-width=\"1.5\"/>\n"
            let legendY = Self.top + 12 + 13 * Double(index)
            out += "<text x=\"\(Self.left + frameWidth - 4)\" y=\"\(legendY)\" class=\"legend\" "
                + "text-anchor=\"end\" fill=\"\(colour)\">\(HTML.escape(line.name))</text>\n"
        }
        return out + "</svg>"
    }

    /// A non-empty range around `values` ([0, 1] without values).
    private static func range(_ values: [Double]) -> ClosedRange<Double> {
        guard let low = values.min(), let high = values.max() else { return 0...1 }
        return low < high ? low...high : (low - 0.5)...(high + 0.5)
    }

    private static func label(_ value: Double) -> String {
        String(format: abs(value) >= 100 ? "%.0f" : "%.3g", value)
    }

    private static func list(_ values: [Double]) -> String {
        values.map { $0.isFinite ? "\($0)" : "nan" }.joined(separator: ",")
    }
}

/// Escaping for text and attribute values of the XHTML report.
enum HTML {
    /// `&`, `<`, `>`, `"` and `'` as entities.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
