package dev.switchboard.platform.web;

import java.nio.charset.StandardCharsets;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import reactor.netty.NettyPipeline;

/**
 * A request line or header block that the HTTP decoder refuses (too long, bad encoding) never reaches Spring:
 * Reactor Netty answers it itself with 400, 414 or 431 and an empty body. This handler, placed between the
 * codec and Reactor Netty's traffic handler, gives those answers the NHN envelope, so that every refusal a
 * client sees has the same shape and a message. Nothing is known of the request at that point, so the
 * envelope is the primary dialect's.
 */
@ChannelHandler.Sharable
public final class DecodingFailureEnvelope extends ChannelDuplexHandler {

    static final String NAME = "switchboard.decodingFailureEnvelope";

    /** Installs the handler on every connection of the server it customizes. */
    public static NettyServerCustomizer customizer() {
        DecodingFailureEnvelope handler = new DecodingFailureEnvelope();
        return server -> server.doOnChannelInit((observer, channel, remote) -> {
            var pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(NAME) == null) {
                pipeline.addAfter(NettyPipeline.HttpCodec, NAME, handler);
            }
        });
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) throws Exception {
        if (message instanceof FullHttpResponse response && bare(response)) {
            int status = response.status().code();
            byte[] body = ("{\"header\":{\"resultCode\":" + status + ",\"resultMessage\":\"" + describe(status)
                    + "\",\"isSuccessful\":false},\"result\":null}").getBytes(StandardCharsets.UTF_8);
            var enveloped = new DefaultFullHttpResponse(response.protocolVersion(), response.status(),
                    Unpooled.wrappedBuffer(body));
            enveloped.headers().set(response.headers())
                    .remove(HttpHeaderNames.TRANSFER_ENCODING)
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .set(HttpHeaderNames.CONTENT_LENGTH, body.length);
            response.release();
            super.write(ctx, enveloped, promise);
            return;
        }
        super.write(ctx, message, promise);
    }

    /**
     * Reactor Netty's own refusal of a request it could not decode: a client error without a body or a content
     * type that closes the connection (Spring's answers always have a body and keep the connection).
     */
    static boolean bare(FullHttpResponse response) {
        int status = response.status().code();
        return status >= 400 && status < 500 && response.content().readableBytes() == 0
                && !response.headers().contains(HttpHeaderNames.CONTENT_TYPE)
                && response.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
    }

    static String describe(int status) {
        return switch (status) {
            case 431 -> "Request header fields are too large";
            case 414 -> "Request URI is too long";
            case 413 -> "Request body is too large";
            case 408 -> "The request did not arrive in time";
            default -> "Malformed HTTP request";
        };
    }
}
