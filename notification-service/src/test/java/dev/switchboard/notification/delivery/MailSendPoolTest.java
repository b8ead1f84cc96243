package dev.switchboard.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.switchboard.notification.config.NotificationProperties;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class MailSendPoolTest {

    @Test
    void sendsAsManyMailsAtOnceAsItsConcurrency() {
        var defaults = DeliveryServiceTest.properties(Duration.ofSeconds(60));
        var sending = defaults.sending();
        int concurrency = 12;
        var pool = new MailSendPool(new NotificationProperties(defaults.relay(), defaults.defaultFromName(),
                defaults.defaultFromMail(), defaults.messageIdDomain(), defaults.contactKey(), defaults.contactKeyset(),
                defaults.attachments(), new NotificationProperties.Sending(concurrency, sending.perTenantConcurrency(),
                        sending.lease(), sending.pollInterval(), sending.connectionIdleTimeout(),
                        sending.connectionMaxMails(), sending.retry(), sending.rate(), sending.answerConcurrency())));
        try {
            // each blocking "send" waits until all of them have started: only true if they all run at once
            var allStarted = new CountDownLatch(concurrency);
            var results = Flux.range(0, concurrency)
                    .flatMap(i -> Mono.fromCallable(() -> {
                        allStarted.countDown();
                        return allStarted.await(5, TimeUnit.SECONDS);
                    }).subscribeOn(pool.scheduler()))
                    .collectList().block(Duration.ofSeconds(10));
            assertThat(results).hasSize(concurrency).containsOnly(true);
        } finally {
            pool.destroy();
        }
    }
}
