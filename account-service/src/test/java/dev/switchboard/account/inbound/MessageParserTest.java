package dev.switchboard.account.inbound;

import static dev.switchboard.account.inbound.MessageSamples.b;
import static dev.switchboard.account.inbound.MessageSamples.base64;
import static dev.switchboard.account.inbound.MessageSamples.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.Test;

/** The message's structure, headers and bodies as the parser reads them; charsets have their own test. */
class MessageParserTest {

    private final MessageParser parser = new MessageParser(MessageSamples.properties());

    @Test
    void threadingHeadersAndDateAreRead() throws Exception {
        var parsed = parser.parse(message(
                "From: Customer <customer@Example.COM>",
                "To: support@tenant.example",
                "Reply-To: \"Customer, Inc.\" <replies@example.com>",
                "Subject: Re: [T1700000000000abcde] Order",
                "Date: Tue, 14 Nov 2023 22:13:20 +0000",
                "Message-ID:   <reply-1@example.com>  ",
                "In-Reply-To: <T1700000000000abcde.ack@switchboard.local>",
                "References: <first@example.com>",
                " <T1700000000000abcde.ack@switchboard.local>",
                "",
                "Thanks!"));

        assertThat(parsed.messageId()).isEqualTo("<reply-1@example.com>");
        assertThat(parsed.inReplyTo()).isEqualTo("<T1700000000000abcde.ack@switchboard.local>");
        assertThat(parsed.references())
                .containsExactly("<first@example.com>", "<T1700000000000abcde.ack@switchboard.local>");
        assertThat(parsed.sentAt()).isEqualTo(Instant.parse("2023-11-14T22:13:20Z"));
        assertThat(parsed.subject()).isEqualTo("Re: [T1700000000000abcde] Order");
        assertThat(parsed.from().domain()).isEqualTo("example.com");
        assertThat(parsed.replyTo()).singleElement().satisfies(replyTo -> {
            assertThat(replyTo.name()).isEqualTo("Customer, Inc.");
            assertThat(replyTo.address()).isEqualTo("replies@example.com");
        });
        assertThat(parsed.textBody()).isEqualTo("Thanks!\r\n");
        assertThat(parsed.htmlBody()).isNull();
    }

    @Test
    void aCharacterSplitAcrossTwoEncodedWordsSurvives() throws Exception {
        byte[] bytes = "배송".getBytes(StandardCharsets.UTF_8);
        String first = Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(bytes, 0, 4));
        String second = Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(bytes, 4, bytes.length));
        var parsed = parser.parse(message(
                "From: customer@example.com",
                "Subject: =?UTF-8?B?" + first + "?=",
                "  =?utf-8?B?" + second + "?= " + b("문의", "UTF-8", StandardCharsets.UTF_8) + " now",
                "",
                "x"));

        assertThat(parsed.subject()).isEqualTo("배송문의 now");
    }

    @Test
    void raw8bitHeadersAreReadAsUtf8OrInTheBodysCharset() throws Exception {
        var utf8 = parser.parse(MessageSamples.raw8bit(StandardCharsets.UTF_8,
                "From: 김민수 <customer@example.com>",
                "Subject: 주문 문의",
                "Content-Type: text/plain; charset=utf-8",
                "",
                "본문"));
        assertThat(utf8.subject()).isEqualTo("주문 문의");
        assertThat(utf8.from().name()).isEqualTo("김민수");
        assertThat(utf8.textBody()).isEqualTo("본문\r\n");

        Charset eucKr = Charset.forName("EUC-KR");
        var korean = parser.parse(MessageSamples.raw8bit(eucKr,
                "From: customer@example.com",
                "Subject: 배송 문의",
                "Content-Type: text/plain; charset=euc-kr",
                "",
                "본문"));
        assertThat(korean.subject()).isEqualTo("배송 문의");
    }

    @Test
    void anUnknownCharsetIsTriedAsUtf8ThenLatin1() throws Exception {
        var utf8 = parser.parse(MessageSamples.raw8bit(StandardCharsets.UTF_8,
                "From: customer@example.com",
                "Subject: =?x-unknown?B?" + Base64.getEncoder().encodeToString("주문".getBytes(StandardCharsets.UTF_8)) + "?=",
                "Content-Type: text/plain; charset=x-klingon",
                "",
                "Grüße"));
        assertThat(utf8.subject()).isEqualTo("주문");
        assertThat(utf8.textBody()).isEqualTo("Grüße\r\n");

        var latin1 = parser.parse(MessageSamples.raw8bit(StandardCharsets.ISO_8859_1,
                "From: customer@example.com",
                "Subject: x",
                "Content-Type: text/plain; charset=x-klingon",
                "",
                "Grüße"));
        assertThat(latin1.textBody()).isEqualTo("Grüße\r\n");
    }

    @Test
    void rfc2231ContinuationsJoinBeforeDecoding() throws Exception {
        // 見積書.pdf in UTF-8, with the first character split across two segments
        var parsed = parser.parse(message(
                "From: customer@example.com",
                "Subject: files",
                "Content-Type: multipart/mixed; boundary=x",
                "",
                "--x",
                "Content-Type: text/plain",
                "",
                "see attached",
                "--x",
                "Content-Type: application/pdf",
                "Content-Disposition: attachment;",
                " filename*0*=UTF-8''%E8%A6;",
                " filename*1*=%8B%E7%A9%8D%E6%9B%B8;",
                " filename*2=.pdf",
                "",
                "%PDF-1.4",
                "--x--"));

        assertThat(parsed.parts()).singleElement().extracting(ParsedMessage.Part::fileName).isEqualTo("見積書.pdf");
    }

    @Test
    void htmlOnlyMailGetsItsTextFromTheHtmlAndInlineImagesKeepTheirContentId() throws Exception {
        String html = "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
                + "<p>Hello <b>agent</b>,</p><div>my order<br>is late.</div>"
                + "<img src=\"cid:logo@example\" alt=\"logo\" onerror=\"steal()\">"
                + "<img src=\"https://tracker.example/pixel.gif\">"
                + "<img src=\"http://tracker.example/banner.png\" alt=\"banner\">"
                + "<a href=\"https://example.com/order\" onclick=\"x()\">order</a>"
                + "<a href=\"javascript:alert(1)\">bad</a></body></html>";
        var parsed = parser.parse(message(
                "From: customer@example.com",
                "Subject: html",
                "Content-Type: multipart/related; boundary=rel",
                "",
                "--rel",
                "Content-Type: text/html; charset=utf-8",
                "Content-Transfer-Encoding: base64",
                "",
                base64(html.getBytes(StandardCharsets.UTF_8)),
                "--rel",
                "Content-Type: image/png",
                "Content-ID: <logo@example>",
                "Content-Transfer-Encoding: base64",
                "",
                "iVBORw0KGgo=",
                "--rel--"));

        assertThat(parsed.htmlBody())
                .contains("<img src=\"cid:logo@example\" alt=\"logo\">")
                .contains("<a href=\"https://example.com/order\" rel=\"noopener noreferrer nofollow\">order</a>")
                .contains("banner")
                .doesNotContain("script", "alert", "onerror", "onclick", "steal", "tracker.example", "style",
                        "javascript");
        assertThat(parsed.textBody()).isEqualTo("Hello agent,\nmy order\nis late.\norderbad");
        assertThat(parsed.parts()).singleElement().satisfies(part -> {
            assertThat(part.contentId()).isEqualTo("logo@example");
            assertThat(part.inline()).isTrue();
            assertThat(part.fileName()).isEqualTo("attachment-1.png");
            assertThat(part.contentType()).isEqualTo("image/png");
        });
    }

    @Test
    void anHtmlPartWithoutCharsetParameterIsReadInTheCharsetItsMetaNames() throws Exception {
        Charset sjis = Charset.forName("windows-31j");
        String html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">"
                + "</head><body><p>お問い合わせ～</p></body></html>";
        var parsed = parser.parse(message(
                "From: customer@example.com",
                "Subject: meta",
                "Content-Type: text/html",
                "Content-Transfer-Encoding: base64",
                "",
                base64(html.getBytes(sjis))));

        assertThat(parsed.htmlBody()).isEqualTo("<p>お問い合わせ～</p>");
        assertThat(parsed.textBody()).isEqualTo("お問い合わせ～");
    }

    @Test
    void alternativeBodiesArePlainAndSanitizedHtml() throws Exception {
        var parsed = parser.parse(message(
                "From: customer@example.com",
                "Subject: alt",
                "Content-Type: multipart/alternative; boundary=alt",
                "",
                "--alt",
                "Content-Type: text/plain; charset=us-ascii",
                "",
                "plain text",
                "--alt",
                "Content-Type: text/html; charset=us-ascii",
                "",
                "<p onmouseover=\"x()\">html text</p>",
                "--alt--"));

        assertThat(parsed.textBody()).isEqualTo("plain text");
        assertThat(parsed.htmlBody()).isEqualTo("<p>html text</p>");
        assertThat(parsed.parts()).isEmpty();
    }

    @Test
    void aPartOverTheSizeLimitIsMarkedNotRead() throws Exception {
        var small = new MessageParser(MessageSamples.properties("max-attachment-size", "10B"));
        var parsed = small.parse(message(
                "From: customer@example.com",
                "Subject: big",
                "Content-Type: multipart/mixed; boundary=m",
                "",
                "--m",
                "Content-Type: text/plain",
                "",
                "body",
                "--m",
                "Content-Type: application/pdf; name=big.pdf",
                "Content-Transfer-Encoding: base64",
                "",
                base64(new byte[64]),
                "--m",
                "Content-Type: application/pdf; name=small.pdf",
                "Content-Transfer-Encoding: base64",
                "",
                base64(new byte[8]),
                "--m--"));

        assertThat(parsed.parts()).extracting(ParsedMessage.Part::fileName, ParsedMessage.Part::tooLarge)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("big.pdf", true),
                        org.assertj.core.groups.Tuple.tuple("small.pdf", false));
        assertThat(parsed.parts().getFirst().content()).isNull();
    }

    @Test
    void aTextLongerThanATicketTakesGoesInWholeAsMessageTxt() throws Exception {
        String text = "0123456789".repeat(MessageParser.MAX_TEXT / 10 + 100);
        var parsed = parser.parse(message(
                "From: customer@example.com",
                "Subject: long",
                "Content-Type: text/plain; charset=us-ascii",
                "",
                text));

        assertThat(parsed.textBody()).hasSize(MessageParser.MAX_TEXT).endsWith("attached message.txt]");
        assertThat(parsed.parts()).singleElement().satisfies(part -> {
            assertThat(part.fileName()).isEqualTo("message.txt");
            assertThat(new String(part.content(), StandardCharsets.UTF_8)).isEqualTo(text + "\r\n");
        });
    }

    @Test
    void fileNamesLoseTheirPathAndKeepTheirExtensionWhenShortened() {
        assertThat(MessageParser.fileName("C:\\Users\\me\\invoice.pdf")).isEqualTo("invoice.pdf");
        assertThat(MessageParser.fileName("../../etc/passwd")).isEqualTo("passwd");
        assertThat(MessageParser.fileName("a\r\nb.txt")).isEqualTo("a b.txt");
        String shortened = MessageParser.fileName("x".repeat(300) + ".pdf");
        assertThat(shortened).hasSize(MessageParser.MAX_FILE_NAME).endsWith("x.pdf");
    }

    @Test
    void loopHeadersAreRead() throws Exception {
        var parsed = parser.parse(message(
                "From: MAILER-DAEMON@mx.example.com",
                "Subject: Undelivered Mail",
                "Auto-Submitted: Auto-Replied (vacation)",
                "Precedence: Bulk",
                "X-Loop: support@tenant.example",
                "Content-Type: multipart/report; report-type=delivery-status; boundary=r",
                "",
                "--r",
                "Content-Type: text/plain",
                "",
                "could not deliver",
                "--r",
                "Content-Type: message/delivery-status",
                "",
                "Status: 5.1.1",
                "--r--"));

        assertThat(parsed.loop()).isEqualTo(new ParsedMessage.LoopHeaders("auto-replied", "bulk", true, true));
        assertThat(parsed.parts()).singleElement().extracting(ParsedMessage.Part::fileName)
                .isEqualTo("attachment-1.txt");
    }

    @Test
    void aMessageWithoutAnySenderAddressDoesNotParse() {
        assertThatThrownBy(() -> parser.parse("this is not a mail at all\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(UnparseableMessageException.class).hasMessageContaining("sender");
        assertThatThrownBy(() -> parser.parse(message("From: undisclosed", "Subject: x", "", "body")))
                .isInstanceOf(UnparseableMessageException.class).hasMessageContaining("sender");
    }

    @Test
    void aMultipartWithoutItsBoundaryDoesNotParse() {
        assertThatThrownBy(() -> parser.parse(message(
                "From: customer@example.com",
                "Subject: broken",
                "Content-Type: multipart/mixed; boundary=nowhere",
                "",
                "no parts here at all")))
                .isInstanceOf(UnparseableMessageException.class).hasMessageContaining("MIME structure");
    }

    @Test
    void anUnreadableFromHeaderStillYieldsTheBareAddress() throws Exception {
        var parsed = parser.parse(message("From: \"Broken <<customer@example.com>>> ,,", "Subject: x", "", "body"));
        assertThat(parsed.from().address()).isEqualTo("customer@example.com");
    }
}
