package org.bptt.coursework;

import java.util.List;
import java.util.Locale;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.ParameterName;

/**
 * A stacked or bidirectional network unrolled over T steps as SVG: one column per step, x_t at the bottom, then per
 * layer ℓ a row of forward states h_t (layer ℓ's initial state on the left) and, when bidirectional, a row of reverse
 * states (initial state on the right, recurrent arrows running right to left) and a row of the combined outputs o_t
 * that the next layer and the head read; y_t on top. Edges carry the naming scheme's parameter names ({@code U},
 * {@code l1.W}, {@code l0.reverse.U_z}, ...): a layer's input weights on the edge from its input, its recurrent
 * weights on the edge from the previous state of its direction. Every node is a {@code <g>} whose {@code <title>}
 * names it ({@code x_0}, {@code l1.h_2}, {@code l0.reverse.h_3} for the reverse direction's initial state,
 * {@code l0.o_1}); every recurrent edge has the class {@code recurrent forward} or {@code recurrent reverse}.
 */
public final class StackedDiagram {

    private static final int COLUMN = 150;
    private static final int MARGIN = 50;
    private static final int RADIUS = 22;
    private static final int ROW = 90;

    private StackedDiagram() {
    }

    /**
     * The drawing.
     *
     * @param initialState whether the initial states are given (solid) or zero (dashed)
     */
    public static String svg(ModelSpec spec, int steps, boolean initialState) {
        boolean bidirectional = spec.bidirectional();
        int rowsPerLayer = bidirectional ? 3 : 1;
        int rows = 2 + spec.layers() * rowsPerLayer;
        int width = Math.max(2 * MARGIN + COLUMN * (steps + 1) + 2 * RADIUS, 560);
        int height = MARGIN + ROW * rows + 30;
        int inputRow = MARGIN + ROW * (rows - 1);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"serif\" font-size=\"15\">%n", width, height, width, height));
        svg.append("<title>").append(UnrolledDiagram.escape(spec.cell().name() + " network unrolled over T = " + steps
                + " steps, " + spec.label())).append("</title>\n");
        svg.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
                + "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#333\"/>"
                + "</marker></defs>\n");
        for (int t = 0; t < steps; t++) {
            node(svg, "x_" + t, "x", Integer.toString(t), columnX(t), inputRow, false, "#efe");
        }
        // The row each step's input to the current layer comes from: x_t, then the layer below's h_t or o_t.
        int belowRow = inputRow;
        for (int layer = 0; layer < spec.layers(); layer++) {
            int forwardRow = belowRow - ROW;
            int reverseRow = forwardRow - ROW;
            drawDirection(svg, spec, layer, false, steps, forwardRow, belowRow, initialState);
            if (bidirectional) {
                drawDirection(svg, spec, layer, true, steps, reverseRow, belowRow, initialState);
                int combinedRow = reverseRow - ROW;
                for (int t = 0; t < steps; t++) {
                    int x = columnX(t);
                    node(svg, "l" + layer + ".o_" + t, "o", Integer.toString(t), x, combinedRow, false, "#fef");
                    // The forward state's arrow bends around the reverse state on its way up.
                    svg.append(String.format(Locale.ROOT, "<path class=\"combine\" d=\"M %d %d Q %d %d %d %d\" fill=\"none\" "
                                    + "stroke=\"#777\" marker-end=\"url(#arrow)\"/>%n", x - RADIUS, forwardRow,
                            x - 2 * RADIUS - 10, reverseRow, x - RADIUS / 2, combinedRow + RADIUS - 3));
                    flow(svg, "combine", x, reverseRow - RADIUS, x, combinedRow + RADIUS);
                }
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\">o_t = %s(h_t, h̃_t)</text>%n",
                        MARGIN / 2, combinedRow - RADIUS - 6, spec.topology().combine().name().toLowerCase(Locale.ROOT)));
                belowRow = combinedRow;
            } else {
                belowRow = forwardRow;
            }
        }
        int outputRow = belowRow - ROW;
        for (int t = 0; t < steps; t++) {
            if (!spec.head().lastStepOnly() || t == steps - 1) {
                node(svg, "y_" + t, "y", Integer.toString(t), columnX(t), outputRow, false, "#fee");
                edge(svg, "input", columnX(t), belowRow - RADIUS, columnX(t), outputRow + RADIUS, "V", 8, 0);
            }
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\">Each layer and direction has its own "
                        + "weights, shared by its steps; h̃: the reverse direction, which reads x_{T-1} first</text>%n",
                MARGIN / 2, height - 10));
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** One direction of one layer: its states, its initial state, its input and recurrent edges. */
    private static void drawDirection(StringBuilder svg, ModelSpec spec, int layer, boolean reverse, int steps, int row,
                                      int inputRow, boolean initialState) {
        String prefix = "l" + layer + "." + (reverse ? "reverse." : "");
        String letter = reverse ? "h̃" : "h";
        String fill = reverse ? "#fee8d8" : "#eef";
        String inputWeights = weights(spec, layer, reverse, "U");
        String recurrentWeights = weights(spec, layer, reverse, "W");
        // The forward direction starts left of step 0, the reverse right of step T-1 (its h̃_T).
        int initialStep = reverse ? steps : -1;
        int initialX = reverse ? columnX(steps) : MARGIN + RADIUS;
        node(svg, prefix + "h_" + (reverse ? Integer.toString(steps) : "{-1}"), letter, Integer.toString(initialStep), initialX, row,
                !initialState, fill);
        for (int t = 0; t < steps; t++) {
            int x = columnX(t);
            node(svg, prefix + "h_" + t, letter, Integer.toString(t), x, row, false, fill);
            int inputX = reverse ? x + RADIUS / 2 : x;
            edge(svg, "input", inputX, inputRow - RADIUS, x, row + RADIUS, inputWeights, reverse ? 6 : -10 - 7 * inputWeights.length(),
                    reverse ? 18 : 0);
            int previousX = reverse ? (t == steps - 1 ? initialX : columnX(t + 1)) : (t == 0 ? initialX : columnX(t - 1));
            int from = reverse ? previousX - RADIUS : previousX + RADIUS;
            int to = reverse ? x + RADIUS : x - RADIUS;
            boolean fromZero = !initialState && (reverse ? t == steps - 1 : t == 0);
            svg.append(String.format(Locale.ROOT, "<line class=\"recurrent %s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                            + "stroke=\"#333\" marker-end=\"url(#arrow)\"%s/>", reverse ? "reverse" : "forward", from, row, to, row,
                    fromZero ? " stroke-dasharray=\"4 3\"" : ""));
            label(svg, (from + to) / 2 - 4 * recurrentWeights.length(), row - 8, recurrentWeights);
        }
    }

    /** The names of the weights of {@code layer}'s direction whose base starts with {@code letter} (U or W), joined. */
    static String weights(ModelSpec spec, int layer, boolean reverse, String letter) {
        return String.join(", ", spec.parameters().stream().map(ParameterDeclaration::name).filter(name -> {
            ParameterName parsed = ParameterName.parse(name);
            return !parsed.head() && parsed.layer() == layer && parsed.reverse() == reverse && parsed.base().startsWith(letter);
        }).toList());
    }

    private static int columnX(int step) {
        return MARGIN + RADIUS + COLUMN * (step + 1);
    }

    private static void node(StringBuilder svg, String name, String letter, String subscript, int x, int y, boolean dashed,
                             String fill) {
        svg.append(String.format(Locale.ROOT, "<g class=\"node\"><title>%s</title>", UnrolledDiagram.escape(name)));
        svg.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"%s\" stroke=\"#333\"%s/>",
                x, y, RADIUS, fill, dashed ? " stroke-dasharray=\"4 3\"" : ""));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-style=\"italic\">%s"
                        + "<tspan dy=\"5\" font-size=\"10\">%s</tspan></text></g>%n",
                x - 2, y + 4, UnrolledDiagram.escape(letter), UnrolledDiagram.escape(subscript)));
    }

    private static void edge(StringBuilder svg, String kind, int x1, int y1, int x2, int y2, String label, int labelDx, int labelDy) {
        svg.append(String.format(Locale.ROOT, "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\" "
                + "marker-end=\"url(#arrow)\"/>", kind, x1, y1, x2, y2));
        label(svg, (x1 + x2) / 2 + labelDx, (y1 + y2) / 2 + labelDy, label);
    }

    private static void label(StringBuilder svg, int x, int y, String text) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" font-weight=\"bold\" class=\"weight\">%s</text>%n",
                x, y, UnrolledDiagram.escape(text)));
    }

    private static void flow(StringBuilder svg, String kind, int x1, int y1, int x2, int y2) {
        svg.append(String.format(Locale.ROOT, "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#777\" "
                + "marker-end=\"url(#arrow)\"/>%n", kind, x1, y1, x2, y2));
    }
}
