package dev.switchboard.account.inbound;

import static dev.switchboard.account.inbound.MessageSamples.b;
import static dev.switchboard.account.inbound.MessageSamples.base64;
import static dev.switchboard.account.inbound.MessageSamples.message;
import static dev.switchboard.account.inbound.MessageSamples.q;
import static dev.switchboard.account.inbound.MessageSamples.quotedPrintable;
import static dev.switchboard.account.inbound.MessageSamples.rfc2231;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Subjects, display names, bodies and file names in the charsets customers write in arrive intact, however the
 * message encodes them: RFC 2047 B and Q words, quoted-printable and base64 bodies, RFC 2231 file names. Each
 * sample is encoded here, in its charset, so what is checked is the decoding alone.
 */
class MessageCharsetsTest {

    private final MessageParser parser = new MessageParser(MessageSamples.properties());

    /**
     * label as the message names it, the charset the sender's client encoded with, subject, display name, file name.
     * Labels whose everyday use is wider than the registry's name are sent with characters only the wider charset
     * has: CP949's 똠 under ks_c_5601-1987, Windows-31J's ～ and ① under Shift_JIS, GBK's 镕 under GB2312.
     */
    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of("UTF-8", StandardCharsets.UTF_8, "주문 문의 – 注文について 🎉", "김민수", "견적서 🎉.pdf"),
                Arguments.of("EUC-KR", Charset.forName("EUC-KR"), "안녕하세요 배송 문의드립니다", "이영희", "주문서.pdf"),
                Arguments.of("ks_c_5601-1987", Charset.forName("x-windows-949"), "똠방각하 주문 건", "박똠", "똠방각하.pdf"),
                Arguments.of("ISO-2022-JP", Charset.forName("ISO-2022-JP"), "お問い合わせの件 東京都", "山田太郎", "見積書.pdf"),
                Arguments.of("Shift_JIS", Charset.forName("windows-31j"), "お問い合わせ～①の件", "鈴木花子", "請求書①.pdf"),
                Arguments.of("GB2312", Charset.forName("GB18030"), "您好，订单问题 镕", "王小明", "发票.pdf"),
                Arguments.of("GB18030", Charset.forName("GB18030"), "您好 𠀀 订单", "李𠀀", "合同𠀀.pdf"),
                Arguments.of("Big5", Charset.forName("Big5"), "您好，訂單問題", "陳大文", "報價單.pdf"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void bEncodedSubjectQuotedPrintableBodyAndRfc2231FileNameArriveIntact(String label, Charset charset,
                                                                             String subject, String name,
                                                                             String fileName) throws Exception {
        String body = subject + "\r\n" + name;
        var parsed = parser.parse(message(
                "From: " + q(name, label, charset) + " <customer@example.com>",
                "To: " + b(name, label, charset) + " <support@tenant.example>",
                "Subject: " + b(subject, label, charset),
                "Message-ID: <sample@example.com>",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"b1\"",
                "",
                "--b1",
                "Content-Type: text/plain; charset=\"" + label + "\"",
                "Content-Transfer-Encoding: quoted-printable",
                "",
                quotedPrintable(body.getBytes(charset)),
                "--b1",
                "Content-Type: application/pdf",
                "Content-Disposition: attachment; filename*=" + rfc2231(fileName, label, charset),
                "Content-Transfer-Encoding: base64",
                "",
                "JVBERi0xLjQK",
                "--b1--"));

        assertThat(parsed.subject()).isEqualTo(subject);
        assertThat(parsed.from().name()).isEqualTo(name);
        assertThat(parsed.from().address()).isEqualTo("customer@example.com");
        assertThat(parsed.to()).singleElement().satisfies(to -> assertThat(to.name()).isEqualTo(name));
        assertThat(parsed.textBody()).isEqualTo(body);
        assertThat(parsed.parts()).singleElement().satisfies(part -> {
            assertThat(part.fileName()).isEqualTo(fileName);
            assertThat(new String(part.content(), StandardCharsets.US_ASCII)).startsWith("%PDF-1.4");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void qEncodedSubjectBase64BodyAndEncodedWordFileNameArriveIntact(String label, Charset charset, String subject,
                                                                     String name, String fileName) throws Exception {
        String body = name + "\r\n" + subject;
        var parsed = parser.parse(message(
                "From: \"" + b(name, label, charset) + "\" <customer@example.com>",
                "Cc: " + q(name, label, charset) + " <cc@example.com>, other@example.com",
                "Subject: " + q(subject, label, charset),
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=b2",
                "",
                "--b2",
                "Content-Type: text/plain; charset=" + label,
                "Content-Transfer-Encoding: base64",
                "",
                base64(body.getBytes(charset)),
                "--b2",
                "Content-Type: application/pdf; name=\"" + b(fileName, label, charset) + "\"",
                "Content-Disposition: attachment; filename=\"" + b(fileName, label, charset) + "\"",
                "Content-Transfer-Encoding: base64",
                "",
                "JVBERi0xLjQK",
                "--b2--"));

        assertThat(parsed.subject()).isEqualTo(subject);
        assertThat(parsed.from().name()).isEqualTo(name);
        assertThat(parsed.cc()).extracting(ParsedMessage.Address::name).containsExactly(name, null);
        assertThat(parsed.cc()).extracting(ParsedMessage.Address::address)
                .containsExactly("cc@example.com", "other@example.com");
        assertThat(parsed.textBody()).isEqualTo(body);
        assertThat(parsed.parts()).singleElement().extracting(ParsedMessage.Part::fileName).isEqualTo(fileName);
    }
}
