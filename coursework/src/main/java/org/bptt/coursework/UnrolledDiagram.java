package org.bptt.coursework;

import java.util.List;
import java.util.Locale;
import org.bptt.api.Cell;
import org.bptt.api.ModelSpec;

/**
 * The network unrolled over T steps as a small, self-contained SVG: one column per step with x_t at the bottom, h_t
 * in the middle and y_t on top (y only at the last step for the last-step heads), h_{-1} on the left, and the shared
 * weights on the edges: U from x_t to h_t, W from h_{t-1} to h_t, V from h_t to y_t. When h_{-1} = 0 its node and
 * edge are dashed. Every node is a {@code <g>} with a {@code <title>} naming it ({@code x_0}, {@code h_{-1}}, ...).
 *
 * <p>A gated cell's column has a row of gate nodes between x_t and h_t, named as in the cell's equations (r_t, z_t,
 * n_t for a GRU; i_t, f_t, g_t, o_t for an LSTM, with a row of cell states c_t between the gates and h_t): each gate
 * gets U_* on its edge from x_t and W_* on its edge from h_{t-1}, and feeds the state it gates.
 */
public final class UnrolledDiagram {

    private static final int COLUMN = 130;
    private static final int MARGIN = 50;
    private static final int RADIUS = 24;
    private static final int Y_ROW = 60;
    private static final int H_ROW = 190;
    private static final int X_ROW = 320;

    private UnrolledDiagram() {
    }

    /**
     * The drawing.
     *
     * @param initialState whether h_{-1} is given (solid) or zero (dashed)
     */
    public static String svg(ModelSpec spec, int steps, boolean initialState) {
        if (spec.cell() != Cell.ELMAN) {
            return gatedSvg(spec, steps, initialState);
        }
        // Wide enough for the equations line under the drawing even when T = 1.
        int width = Math.max(2 * MARGIN + COLUMN * steps + RADIUS * 2, 480);
        int height = X_ROW + MARGIN + 40;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"serif\" font-size=\"16\">%n", width, height, width, height));
        svg.append("<title>").append(escape("Elman RNN unrolled over T = " + steps + " steps, " + spec.label()))
                .append("</title>\n");
        svg.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
                + "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#333\"/>"
                + "</marker></defs>\n");
        int initialX = MARGIN + RADIUS;
        node(svg, "h_{-1}", initialState ? "h" : "h", "-1", initialX, H_ROW, !initialState, "#eef");
        if (!initialState) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">= 0</text>%n",
                    initialX, H_ROW + RADIUS + 16));
        }
        for (int t = 0; t < steps; t++) {
            int x = MARGIN + RADIUS + COLUMN * (t + 1);
            node(svg, "x_" + t, "x", Integer.toString(t), x, X_ROW, false, "#efe");
            node(svg, "h_" + t, "h", Integer.toString(t), x, H_ROW, false, "#eef");
            edge(svg, x, X_ROW - RADIUS, x, H_ROW + RADIUS, "U", false, 10, 0);
            int previousX = x - COLUMN;
            edge(svg, previousX + RADIUS, H_ROW, x - RADIUS, H_ROW, "W", t == 0 && !initialState, 0, -8);
            boolean hasOutput = !spec.head().lastStepOnly() || t == steps - 1;
            if (hasOutput) {
                node(svg, "y_" + t, "y", Integer.toString(t), x, Y_ROW, false, "#fee");
                edge(svg, x, H_ROW - RADIUS, x, Y_ROW + RADIUS, "V", false, 10, 0);
            }
        }
        svg.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"13\">a_t = U x_t + W h_{t-1}%s,  h_t = %s(a_t),  y_t = %s(V h_t%s)</text>%n",
                MARGIN / 2, height - 26, spec.biases() ? " + b" : "", Tape.activationName(spec.activation()),
                spec.head() == org.bptt.api.Head.LAST_STEP_SIGMOID ? "σ" : "softmax", spec.biases() ? " + c" : ""));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"13\">U, W, V: the same matrices at every step</text>%n",
                MARGIN / 2, height - 8));
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static final int GATED_COLUMN = 200;
    private static final int GATE_RADIUS = 16;
    private static final int GATE_SPACING = 44;
    private static final int GATED_H_ROW = 170;
    private static final int GATED_C_ROW = 250;
    private static final int GATE_ROW = 330;
    private static final int GATED_X_ROW = 430;

    /** The drawing of a GRU or LSTM: see the class documentation. */
    private static String gatedSvg(ModelSpec spec, int steps, boolean initialState) {
        boolean lstm = spec.cell() == Cell.LSTM;
        List<String> gates = lstm ? List.of("i", "f", "g", "o") : List.of("r", "z", "n");
        int width = Math.max(2 * MARGIN + GATED_COLUMN * steps + RADIUS * 2, 640);
        int height = GATED_X_ROW + MARGIN + 24 + 18 * (gates.size() + 2);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"serif\" font-size=\"16\">%n", width, height, width, height));
        svg.append("<title>").append(escape((lstm ? "LSTM" : "GRU") + " unrolled over T = " + steps + " steps, " + spec.label()))
                .append("</title>\n");
        svg.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
                + "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#333\"/>"
                + "</marker></defs>\n");
        int initialX = MARGIN + RADIUS;
        node(svg, "h_{-1}", "h", "-1", initialX, GATED_H_ROW, !initialState, "#eef");
        if (lstm) {
            node(svg, "c_{-1}", "c", "-1", initialX, GATED_C_ROW, !initialState, "#ffe");
        }
        if (!initialState) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">= 0</text>%n",
                    initialX, (lstm ? GATED_C_ROW : GATED_H_ROW) + RADIUS + 16));
        }
        for (int t = 0; t < steps; t++) {
            int x = MARGIN + RADIUS + GATED_COLUMN * (t + 1);
            int previousX = x - GATED_COLUMN;
            boolean previousIsZero = t == 0 && !initialState;
            String step = Integer.toString(t);
            node(svg, "x_" + t, "x", step, x, GATED_X_ROW, false, "#efe");
            for (int j = 0; j < gates.size(); j++) {
                String gate = gates.get(j);
                int gateX = gateX(x, j, gates.size());
                node(svg, gate + "_" + t, gate, step, gateX, GATE_ROW, false, "#fff", GATE_RADIUS);
                gateEdge(svg, x, GATED_X_ROW - RADIUS, gateX, GATE_ROW + GATE_RADIUS, "U_" + gate, false, 0.6);
                gateEdge(svg, previousX + RADIUS, GATED_H_ROW + 8, gateX, GATE_ROW - GATE_RADIUS, "W_" + gate, previousIsZero, 0.75);
            }
            if (lstm) {
                node(svg, "c_" + t, "c", step, x, GATED_C_ROW, false, "#ffe");
                flow(svg, previousX + RADIUS, GATED_C_ROW, x - RADIUS, GATED_C_ROW, previousIsZero);    // c_{t-1} → c_t
                for (int j = 0; j < 3; j++) {                                                        // i, f, g → c_t
                    flow(svg, gateX(x, j, gates.size()), GATE_ROW - GATE_RADIUS, x, GATED_C_ROW + RADIUS, false);
                }
                node(svg, "h_" + t, "h", step, x, GATED_H_ROW, false, "#eef");
                flow(svg, x, GATED_C_ROW - RADIUS, x, GATED_H_ROW + RADIUS, false);                  // c_t → h_t
                flow(svg, gateX(x, 3, gates.size()), GATE_ROW - GATE_RADIUS, x + RADIUS, GATED_H_ROW + 8, false);  // o_t → h_t
            } else {
                node(svg, "h_" + t, "h", step, x, GATED_H_ROW, false, "#eef");
                flow(svg, previousX + RADIUS, GATED_H_ROW, x - RADIUS, GATED_H_ROW, previousIsZero);  // z_t ⊙ h_{t-1}
                for (int j = 1; j < 3; j++) {                                                        // z, n → h_t
                    flow(svg, gateX(x, j, gates.size()), GATE_ROW - GATE_RADIUS, x, GATED_H_ROW + RADIUS, false);
                }
                int resetX = gateX(x, 0, gates.size());                                              // r_t → n_t, under z_t
                int candidateX = gateX(x, 2, gates.size());
                svg.append(String.format(Locale.ROOT, "<path d=\"M %d %d Q %d %d %d %d\" fill=\"none\" stroke=\"#777\" "
                                + "marker-end=\"url(#arrow)\"/>%n", resetX, GATE_ROW + GATE_RADIUS, x, GATE_ROW + 3 * GATE_RADIUS,
                        candidateX, GATE_ROW + GATE_RADIUS));
            }
            boolean hasOutput = !spec.head().lastStepOnly() || t == steps - 1;
            if (hasOutput) {
                node(svg, "y_" + t, "y", step, x, Y_ROW, false, "#fee");
                edge(svg, x, GATED_H_ROW - RADIUS, x, Y_ROW + RADIUS, "V", false, 10, 0);
            }
        }
        int line = GATED_X_ROW + MARGIN + 10;
        for (String equation : new ClosedForm(spec, initialState).gatedEquations()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\">%s</text>%n", MARGIN / 2, line,
                    escape(equation)));
            line += 18;
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\">y_t = %s(V h_t%s); the U_*, W_*, V: "
                        + "the same matrices at every step</text>%n", MARGIN / 2, line,
                spec.head() == org.bptt.api.Head.LAST_STEP_SIGMOID ? "σ" : "softmax", spec.biases() ? " + c" : ""));
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** An edge into a gate with its weight's label, small, at {@code where} (0 to 1) along the edge. */
    private static void gateEdge(StringBuilder svg, int x1, int y1, int x2, int y2, String label, boolean dashed, double where) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\" "
                + "marker-end=\"url(#arrow)\"%s/>", x1, y1, x2, y2, dashed ? " stroke-dasharray=\"4 3\"" : ""));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" "
                        + "font-weight=\"bold\" class=\"weight\">%s</text>%n", Math.round(x1 + where * (x2 - x1)),
                Math.round(y1 + where * (y2 - y1)), escape(label)));
    }

    /** The centre of gate j of {@code count} in the column centred on x. */
    private static int gateX(int x, int j, int count) {
        return x + (2 * j - (count - 1)) * GATE_SPACING / 2;
    }

    /** An unlabelled arrow: a value flowing into a gate product or a state. */
    private static void flow(StringBuilder svg, int x1, int y1, int x2, int y2, boolean dashed) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#777\" "
                + "marker-end=\"url(#arrow)\"%s/>%n", x1, y1, x2, y2, dashed ? " stroke-dasharray=\"4 3\"" : ""));
    }

    private static void node(StringBuilder svg, String name, String letter, String subscript, int x, int y, boolean dashed,
                             String fill) {
        node(svg, name, letter, subscript, x, y, dashed, fill, RADIUS);
    }

    private static void node(StringBuilder svg, String name, String letter, String subscript, int x, int y, boolean dashed,
                             String fill, int radius) {
        svg.append(String.format(Locale.ROOT, "<g id=\"node-%s\"><title>%s</title>", escape(idSafe(name)), escape(name)));
        svg.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"%s\" stroke=\"#333\"%s/>",
                x, y, radius, fill, dashed ? " stroke-dasharray=\"4 3\"" : ""));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-style=\"italic\">%s"
                        + "<tspan dy=\"5\" font-size=\"11\">%s</tspan></text></g>%n",
                x - 2, y + 4, escape(letter), escape(subscript)));
    }

    private static void edge(StringBuilder svg, int x1, int y1, int x2, int y2, String label, boolean dashed,
                             int labelDx, int labelDy) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\" "
                        + "marker-end=\"url(#arrow)\"%s/>", x1, y1, x2, y2, dashed ? " stroke-dasharray=\"4 3\"" : ""));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\" class=\"weight\">%s</text>%n",
                (x1 + x2) / 2 + labelDx, (y1 + y2) / 2 + labelDy, escape(label)));
    }

    private static String idSafe(String name) {
        return name.replace("{", "").replace("}", "").replace("-", "m");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
