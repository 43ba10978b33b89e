/// report.html: report.md rendered to one self-contained page (see `MarkdownHTML`), each chart's SVG inlined in
/// place of its image with what a browser needs to explore it. Inline CSS and a short inline script; no network
/// access, no external fonts (the generic `sans-serif` family); the CSV links point at the files next to it.
/// Byte-reproducible like the other files: a pure function of the report.
///
/// Scripted behaviour (without JavaScript the page is the static report):
/// - a bar of checkboxes, one per configuration (the charts' series labels), switches its curves and legend
///   entries on and off in every chart; clicking a legend entry does the same;
/// - hovering a chart shows, for each visible series, the point nearest the pointer along x: the mean with its
///   band (the chart's interval across seeds), at its x value.
///
/// What the script reads (the structure `SVGChart` documents): each `<g class="series">` and
/// `<g class="legend-entry">` gets `data-label` (the series label), and each series `data-values`, its points as
/// `x,y,low,high` in axis units separated by `;`, in the order of the vertices of its `<path class="line">`.
extension ExperimentReport {
    /// The page.
    public func html() -> String {
        var figures: [String: String] = [:]
        for spec in charts {
            figures[spec.fileStem + ".svg"] = HTMLPage.figure(chart(spec), id: spec.fileStem)
        }
        return HTMLPage.document(title: "Experiment \(experiment)",
                                 body: MarkdownHTML(figures: figures).render(markdown()))
    }
}

/// The pieces of report.html around the rendered markdown.
enum HTMLPage {
    /// The whole document around `body`.
    static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        \(style)</style>
        </head>
        <body>
        <div id="configurations" hidden><strong>Configurations in the charts:</strong></div>
        <main>
        \(body)</main>
        <div id="tooltip" hidden></div>
        <script>
        \(script)</script>
        </body>
        </html>

        """
    }

    /// `chart`'s SVG without its XML declaration, each series and legend entry labelled with `data-label` and
    /// each series carrying its points in `data-values`, in a `<figure id="chart-<id>" class="chart">`.
    static func figure(_ chart: SVGChart, id: String) -> String {
        var svg = chart.render()
        if svg.hasPrefix("<?xml"), let end = svg.firstIndex(of: "\n") { svg.removeSubrange(...end) }
        svg = annotate(svg, marker: "<g class=\"series\"", with: chart.series.map { series in
            let values = series.points.map { point in
                [point.x, point.y, point.low, point.high].map { NumberFormat.fixed($0, 4) }.joined(separator: ",")
            }.joined(separator: ";")
            return " data-label=\"\(escape(series.label))\" data-values=\"\(values)\""
        })
        svg = annotate(svg, marker: "<g class=\"legend-entry\"", with: chart.series.map {
            " data-label=\"\(escape($0.label))\""
        })
        return "<figure id=\"chart-\(id)\" class=\"chart\">\n\(svg)</figure>\n"
    }

    /// `svg` with `attributes[i]` inserted after the i-th occurrence of `marker`.
    private static func annotate(_ svg: String, marker: String, with attributes: [String]) -> String {
        let pieces = svg.components(separatedBy: marker)
        return pieces.enumerated().map { index, piece in
            index == 0 ? piece : marker + (index <= attributes.count ? attributes[index - 1] : "") + piece
        }.joined()
    }

    static let style = """
        body { margin: 0; font: 15px/1.5 sans-serif; color: #222; background: #fff; }
        main { max-width: 1100px; margin: 0 auto; padding: 0 24px 48px; }
        h1 { font-size: 26px; } h2 { font-size: 21px; border-bottom: 1px solid #ddd; } h3 { font-size: 17px; }
        .table { overflow-x: auto; }
        table { border-collapse: collapse; font-size: 13px; margin: 12px 0; }
        th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
        thead th { background: #f3f3f3; } tbody tr:nth-child(even) { background: #fafafa; }
        code { background: #f3f3f3; padding: 0 3px; border-radius: 3px; font-size: 90%; }
        figure.chart { margin: 16px 0; } figure.chart svg { max-width: 100%; height: auto; }
        #configurations { position: sticky; top: 0; z-index: 1; background: #fffffff0; border-bottom: 1px solid #ddd;
          padding: 6px 24px; font-size: 13px; }
        #configurations label { margin-left: 14px; white-space: nowrap; cursor: pointer; }
        g.legend-entry { cursor: pointer; } g.legend-entry.off { opacity: 0.3; }
        #tooltip { position: absolute; pointer-events: none; background: #fff; border: 1px solid #999;
          border-radius: 4px; padding: 6px 8px; font-size: 12px; box-shadow: 0 2px 6px #0004; max-width: 560px; }
        #tooltip .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; }

        """

    static let script = """
        "use strict";
        (function () {
          var svgNS = "http://www.w3.org/2000/svg";
          var charts = Array.from(document.querySelectorAll("figure.chart svg"));
          var labels = [];
          charts.forEach(function (svg) {
            svg.querySelectorAll("g.series[data-label]").forEach(function (g) {
              if (labels.indexOf(g.dataset.label) < 0) labels.push(g.dataset.label);
            });
          });
          if (labels.length === 0) return;
          var hidden = new Set();
          var panel = document.getElementById("configurations");
          var boxes = {};
          labels.forEach(function (label) {
            var box = document.createElement("label");
            var input = document.createElement("input");
            input.type = "checkbox";
            input.checked = true;
            input.value = label;
            input.addEventListener("change", function () {
              if (input.checked) hidden.delete(label); else hidden.add(label);
              document.querySelectorAll("figure.chart [data-label]").forEach(function (g) {
                if (g.dataset.label !== label) return;
                if (g.classList.contains("series")) g.style.display = input.checked ? "" : "none";
                else g.classList.toggle("off", !input.checked);
              });
            });
            box.appendChild(input);
            box.appendChild(document.createTextNode(" " + label));
            panel.appendChild(box);
            boxes[label] = input;
          });
          panel.hidden = false;
          document.querySelectorAll("figure.chart g.legend-entry[data-label]").forEach(function (g) {
            g.addEventListener("click", function () { boxes[g.dataset.label].click(); });
          });

          var tip = document.getElementById("tooltip");
          charts.forEach(function (svg) {
            var series = Array.from(svg.querySelectorAll("g.series[data-label]")).map(function (g) {
              var line = g.querySelector("path.line");
              var vertices = line.getAttribute("d").replace(/[ML]/g, " ").trim().split(/\\s+/);
              return {
                label: g.dataset.label, color: line.getAttribute("stroke"),
                pixels: vertices.filter(Boolean).map(function (p) { return p.split(",").map(Number); }),
                values: g.dataset.values.split(";").map(function (p) { return p.split(",").map(Number); })
              };
            });
            var frame = svg.querySelector("g.axes rect");
            var top = Number(frame.getAttribute("y")), bottom = top + Number(frame.getAttribute("height"));
            var xLabel = svg.querySelector(".x-label").textContent, yLabel = svg.querySelector(".y-label").textContent;
            var cursor = document.createElementNS(svgNS, "line");
            cursor.setAttribute("stroke", "#888");
            cursor.setAttribute("stroke-dasharray", "3 3");
            cursor.setAttribute("y1", top);
            cursor.setAttribute("y2", bottom);
            var dots = document.createElementNS(svgNS, "g");
            var hover = document.createElementNS(svgNS, "g");
            hover.setAttribute("class", "hover");
            hover.setAttribute("display", "none");
            hover.appendChild(cursor);
            hover.appendChild(dots);
            svg.appendChild(hover);

            svg.addEventListener("mousemove", function (event) {
              var point = svg.createSVGPoint();
              point.x = event.clientX;
              point.y = event.clientY;
              var x = point.matrixTransform(svg.getScreenCTM().inverse()).x;
              var rows = [];
              dots.textContent = "";
              series.forEach(function (s) {
                if (hidden.has(s.label) || s.pixels.length === 0) return;
                var best = 0;
                s.pixels.forEach(function (p, i) { if (Math.abs(p[0] - x) < Math.abs(s.pixels[best][0] - x)) best = i; });
                var dot = document.createElementNS(svgNS, "circle");
                dot.setAttribute("cx", s.pixels[best][0]);
                dot.setAttribute("cy", s.pixels[best][1]);
                dot.setAttribute("r", 4);
                dot.setAttribute("fill", s.color);
                dots.appendChild(dot);
                rows.push({ y: s.pixels[best][1], color: s.color, label: s.label, v: s.values[best] });
              });
              if (rows.length === 0) { hide(); return; }
              cursor.setAttribute("x1", x);
              cursor.setAttribute("x2", x);
              hover.removeAttribute("display");
              rows.sort(function (a, b) { return a.y - b.y; });
              tip.textContent = "";
              var head = document.createElement("div");
              head.appendChild(document.createElement("strong")).textContent = yLabel;
              head.appendChild(document.createTextNode(" against " + xLabel));
              tip.appendChild(head);
              rows.forEach(function (row) {
                var line = document.createElement("div");
                var swatch = line.appendChild(document.createElement("span"));
                swatch.className = "swatch";
                swatch.style.background = row.color;
                line.appendChild(document.createTextNode(row.label + ": " + row.v[1] + " (" + row.v[2] + "–" +
                  row.v[3] + ") at " + xLabel + " " + row.v[0]));
                tip.appendChild(line);
              });
              tip.hidden = false;
              tip.style.left = Math.min(event.pageX + 16, window.scrollX + document.documentElement.clientWidth -
                tip.offsetWidth - 8) + "px";
              tip.style.top = (event.pageY + 16) + "px";
            });
            svg.addEventListener("mouseleave", hide);
            function hide() {
              hover.setAttribute("display", "none");
              tip.hidden = true;
            }
          });
        })();

        """
}
