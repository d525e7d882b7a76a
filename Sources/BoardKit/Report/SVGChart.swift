import Foundation
import Plot

/// SVG charts for the HTML report, built as Plot nodes so every label is escaped.
/// Each chart has a title, a y axis with gridlines and numbered ticks, x labels and a legend;
/// colours come from CSS classes (`series-*`) in the report's style sheet.
enum SVGChart {
    typealias N = Node<HTML.BodyContext>

    /// A series of a chart: its legend label, CSS class and one value per x position.
    struct Series {
        var label: String
        var cssClass: String
        var values: [Double]
        /// Drawn dashed (the ideal line, the average).
        var dashed = false
        /// Drawn as a line (its legend shows a line, not a swatch).
        var asLine = true
    }

    // Small enough that the 13px text stays readable when a phone scales the chart down.
    static let width = 480.0, height = 260.0
    static let left = 40.0, right = 12.0, top = 14.0, bottom = 62.0
    static var plotWidth: Double { width - left - right }
    static var plotHeight: Double { height - top - bottom }

    /// Grouped bars (one group per label, one bar per series) with optional horizontal reference lines.
    static func bars(title: String, labels: [String], series: [Series], lines: [(Series, Double)] = []) -> N {
        let top = axisMax(series.flatMap(\.values) + lines.map(\.1))
        let group = plotWidth / Double(max(labels.count, 1))
        let barWidth = group * 0.7 / Double(max(series.count, 1))
        var nodes: [N] = []
        for (i, _) in labels.enumerated() {
            for (s, serie) in series.enumerated() where i < serie.values.count {
                let value = serie.values[i]
                let x = left + Double(i) * group + group * 0.15 + Double(s) * barWidth
                let h = value / top * plotHeight
                nodes.append(element("rect", ["class": "bar " + serie.cssClass, "x": n(x), "y": n(y(value, top)),
                                              "width": n(barWidth), "height": n(h)],
                                     [element("title", [:], [.text("\(labels[i]) \(serie.label): \(value.compact)")])]))
            }
        }
        for (serie, value) in lines {
            nodes.append(element("line", ["class": "line " + serie.cssClass + (serie.dashed ? " dashed" : ""),
                                          "x1": n(left), "x2": n(left + plotWidth), "y1": n(y(value, top)), "y2": n(y(value, top))]))
        }
        let swatches = series.map { serie -> Series in
            var bar = serie
            bar.asLine = false
            return bar
        }
        return chart(title: title, top: top, labels: labels, slot: group, centred: true,
                     legend: swatches + lines.map(\.0), content: nodes)
    }

    /// Lines over days: one polyline per series.
    static func lines(title: String, labels: [String], series: [Series]) -> N {
        let top = axisMax(series.flatMap(\.values))
        let step = plotWidth / Double(max(labels.count - 1, 1))
        let nodes: [N] = series.map { serie in
            let points = serie.values.enumerated().map { "\(n(left + Double($0.offset) * step)),\(n(y($0.element, top)))" }
            return element("polyline", ["class": "line " + serie.cssClass + (serie.dashed ? " dashed" : ""),
                                        "points": points.joined(separator: " ")])
        }
        return chart(title: title, top: top, labels: labels, slot: step, centred: false, legend: series, content: nodes)
    }

    /// The frame: title, gridlines with y ticks, x axis labels (thinned to at most 10), legend.
    static func chart(title: String, top: Double, labels: [String], slot: Double, centred: Bool,
                      legend: [Series], content: [N]) -> N {
        var nodes: [N] = [element("title", [:], [.text(title)])]
        for tick in 0...4 {
            let value = top * Double(tick) / 4
            let yy = n(y(value, top))
            nodes.append(element("line", ["class": tick == 0 ? "axis" : "grid", "x1": n(left), "x2": n(left + plotWidth), "y1": yy, "y2": yy]))
            nodes.append(element("text", ["class": "tick", "x": n(left - 6), "y": yy, "text-anchor": "end",
                                          "dominant-baseline": "middle"], [.text(oneDecimal(value))]))
        }
        nodes.append(element("line", ["class": "axis", "x1": n(left), "x2": n(left), "y1": n(Self.top), "y2": n(Self.top + plotHeight)]))
        let every = max(1, Int((Double(labels.count) / 10).rounded(.up)))
        for (i, label) in labels.enumerated() where i % every == 0 || i == labels.count - 1 {
            let x = left + Double(i) * slot + (centred ? slot / 2 : 0)
            // On a line chart the end labels sit at the plot's edges: keep them inside.
            let anchor = centred ? "middle" : i == 0 ? "start" : i == labels.count - 1 ? "end" : "middle"
            nodes.append(element("text", ["class": "label", "x": n(x), "y": n(Self.top + plotHeight + 16), "text-anchor": anchor],
                                 [.text(label)]))
        }
        nodes += content
        // Legend: a swatch and a label per series, in one row under the axis.
        var x = left
        for serie in legend {
            let yy = Self.top + plotHeight + 46
            nodes.append(serie.asLine
                ? element("line", ["class": "line " + serie.cssClass + (serie.dashed ? " dashed" : ""),
                                   "x1": n(x - 4), "x2": n(x + 14), "y1": n(yy - 3), "y2": n(yy - 3)])
                : element("rect", ["class": "swatch " + serie.cssClass, "x": n(x), "y": n(yy - 9), "width": "12", "height": "12"]))
            nodes.append(element("text", ["class": "legend", "x": n(x + 17), "y": n(yy + 1)], [.text(serie.label)]))
            x += 17 + Double(serie.label.count) * 7 + 16
        }
        return element("svg", ["class": "chart", "viewBox": "0 0 \(n(width)) \(n(height))", "role": "img",
                               "xmlns": "http://www.w3.org/2000/svg"], nodes)
    }

    /// An element with attributes (fixed names, numeric or fixed values only) and children.
    static func element(_ name: String, _ attributes: [String: String], _ children: [N] = []) -> N {
        .element(named: name, nodes: attributes.sorted { $0.key < $1.key }.map { N.attribute(named: $0.key, value: $0.value) } + children)
    }

    static func y(_ value: Double, _ top: Double) -> Double { Self.top + plotHeight - value / top * plotHeight }

    /// A round axis maximum at or above the largest value: 1, 2, 2.5 or 5 times a power of ten, times 4 ticks.
    static func axisMax(_ values: [Double]) -> Double {
        let largest = max(values.max() ?? 0, 1)
        let raw = largest / 4
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw - 1e-9 } ?? 10 * magnitude
        return step * 4
    }

    /// A coordinate with at most one decimal, so the output is stable.
    static func n(_ value: Double) -> String { oneDecimal(value) }
}
