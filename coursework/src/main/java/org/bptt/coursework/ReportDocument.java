package org.bptt.coursework;

import java.util.ArrayList;
import java.util.List;

/**
 * A report as a list of blocks, rendered to Markdown and to a self-contained HTML page from the same content. Math
 * is shown as text (Unicode) and as LaTeX source in code blocks: no MathJax, so the page needs no network.
 */
final class ReportDocument {

    private interface Block {
    }

    private record Heading(int level, String text) implements Block {
    }

    private record Paragraph(String text) implements Block {
    }

    private record Code(String language, String text) implements Block {
    }

    private record Table(List<String> header, List<List<String>> rows) implements Block {
    }

    /** An SVG: linked by file name from Markdown, inlined in HTML. */
    private record Image(String fileName, String svg, String caption) implements Block {
    }

    private final String title;
    private final List<Block> blocks = new ArrayList<>();

    ReportDocument(String title) {
        this.title = title;
    }

    ReportDocument heading(int level, String text) {
        blocks.add(new Heading(level, text));
        return this;
    }

    ReportDocument paragraph(String text) {
        blocks.add(new Paragraph(text));
        return this;
    }

    ReportDocument code(String language, String text) {
        blocks.add(new Code(language, text));
        return this;
    }

    ReportDocument table(List<String> header, List<List<String>> rows) {
        blocks.add(new Table(List.copyOf(header), rows.stream().map(List::copyOf).toList()));
        return this;
    }

    ReportDocument image(String fileName, String svg, String caption) {
        blocks.add(new Image(fileName, svg, caption));
        return this;
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        for (Block block : blocks) {
            if (block instanceof Heading heading) {
                md.append("#".repeat(heading.level() + 1)).append(' ').append(heading.text()).append("\n\n");
            } else if (block instanceof Paragraph paragraph) {
                md.append(paragraph.text()).append("\n\n");
            } else if (block instanceof Code code) {
                md.append("```").append(code.language()).append('\n').append(code.text())
                        .append(code.text().endsWith("\n") ? "" : "\n").append("```\n\n");
            } else if (block instanceof Table table) {
                md.append("| ").append(String.join(" | ", table.header().stream().map(ReportDocument::cell).toList())).append(" |\n");
                md.append("|").append("---|".repeat(table.header().size())).append('\n');
                for (List<String> row : table.rows()) {
                    md.append("| ").append(String.join(" | ", row.stream().map(ReportDocument::cell).toList())).append(" |\n");
                }
                md.append('\n');
            } else if (block instanceof Image image) {
                md.append("![").append(image.caption()).append("](").append(image.fileName()).append(")\n\n");
            }
        }
        return md.toString();
    }

    String html() {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(title)).append("</title>\n<style>\n")
                .append("body { font-family: sans-serif; max-width: 70em; margin: 2em auto; padding: 0 1em; line-height: 1.4; }\n")
                .append("table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }\n")
                .append("td, th { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }\n")
                .append("th { background: #eee; }\n")
                .append("pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; }\n")
                .append("code { font-family: monospace; }\n")
                .append("</style>\n</head>\n<body>\n<h1>").append(escape(title)).append("</h1>\n");
        for (Block block : blocks) {
            if (block instanceof Heading heading) {
                html.append("<h").append(heading.level() + 1).append('>').append(escape(heading.text()))
                        .append("</h").append(heading.level() + 1).append(">\n");
            } else if (block instanceof Paragraph paragraph) {
                html.append("<p>").append(inlineCode(escape(paragraph.text()))).append("</p>\n");
            } else if (block instanceof Code code) {
                html.append("<pre><code").append(code.language().isEmpty() ? "" : " class=\"language-" + code.language() + "\"")
                        .append('>').append(escape(code.text())).append("</code></pre>\n");
            } else if (block instanceof Table table) {
                html.append("<table>\n<tr>");
                for (String header : table.header()) {
                    html.append("<th>").append(inlineCode(escape(header))).append("</th>");
                }
                html.append("</tr>\n");
                for (List<String> row : table.rows()) {
                    html.append("<tr>");
                    for (String cell : row) {
                        html.append("<td>").append(inlineCode(escape(cell))).append("</td>");
                    }
                    html.append("</tr>\n");
                }
                html.append("</table>\n");
            } else if (block instanceof Image image) {
                html.append("<figure>\n").append(image.svg()).append("<figcaption>").append(escape(image.caption()))
                        .append("</figcaption>\n</figure>\n");
            }
        }
        return html.append("</body>\n</html>\n").toString();
    }

    /** A Markdown table cell: pipes escaped, line breaks as spaces. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** `code` spans of Markdown as {@code <code>} in HTML (the text is already escaped). */
    private static String inlineCode(String escaped) {
        return escaped.replaceAll("`([^`]*)`", "<code>$1</code>");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
