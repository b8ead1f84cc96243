package dev.switchboard.account.inbound;

import java.util.Set;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * HTML bodies of inbound mail, made safe to show to agents: jsoup's relaxed safelist (no script, style, event
 * handlers, forms or frames), images only from the message itself ({@code cid:}), since a remote image tells the
 * sender when and where the mail was read; links open without handing over the agent's page.
 */
final class HtmlBodies {

    private static final Safelist SAFE = Safelist.relaxed()
            .addProtocols("img", "src", "cid")
            .addEnforcedAttribute("a", "rel", "noopener noreferrer nofollow");
    private static final Set<String> BLOCKS = Set.of("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
            "blockquote", "pre", "table", "ul", "ol", "dl", "dt", "dd", "hr", "address", "section", "article",
            "header", "footer");

    private HtmlBodies() {
    }

    /** The body's markup with only what the safelist allows, and only {@code cid:} images. */
    static String sanitize(String html) {
        Document clean = new Cleaner(SAFE).clean(Jsoup.parse(html));
        for (Element image : clean.select("img")) {
            if (!image.attr("src").regionMatches(true, 0, "cid:", 0, 4)) {
                String alt = image.attr("alt");
                if (alt.isBlank()) {
                    image.remove();
                } else {
                    image.replaceWith(new TextNode(alt));
                }
            }
        }
        clean.outputSettings().prettyPrint(false);
        return clean.body().html();
    }

    /** The text a reader sees, with line breaks where blocks and {@code <br>} put them. */
    static String text(String html) {
        StringBuilder out = new StringBuilder();
        NodeTraversor.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode text) {
                    out.append(text.text());
                } else if (node instanceof Element element && element.normalName().equals("br")) {
                    out.append('\n');
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element element && BLOCKS.contains(element.normalName())) {
                    out.append('\n');
                }
            }
        }, Jsoup.parse(html).body());
        return out.toString().replaceAll("[ \\t\\u00A0]+\\n", "\n").replaceAll("\\n[ \\t]+", "\n")
                .replaceAll("\\n{3,}", "\n\n").strip();
    }
}
