package dev.switchboard.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MailRendererTest {

    final MailRenderer renderer = new MailRenderer();

    @Test
    void placesEscapedTextAtTheContentMarker() {
        String html = renderer.html("<p class=\"x\">#{content}</p>", "a < b & \"c\"\nline two");
        assertThat(html).isEqualTo("<p class=\"x\">a &lt; b &amp; &quot;c&quot;<br>\nline two</p>");
    }

    @Test
    void neverLetsCustomerTextBecomeMarkup() {
        assertThat(renderer.html("<div>#{content}</div>", "<img src=x onerror=alert(1)>"))
                .doesNotContain("<img").contains("&lt;img");
    }

    @Test
    void fallsBackToAPlainLayoutWithoutMarker() {
        assertThat(renderer.html(null, "hi")).isEqualTo("<html><body>hi</body></html>");
        assertThat(renderer.html("<p>no marker</p>", "hi")).isEqualTo("<html><body>hi</body></html>");
    }

    @Test
    void headerValuesCannotCarryLineBreaks() {
        assertThat(MailRenderer.oneLine("Subject\r\nBcc: victim@example.com")).isEqualTo("Subject Bcc: victim@example.com");
    }
}
