package dev.switchboard.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.schemas.Topic;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class MailSendPoolTest {

    @Test
    void sendsAsManyMailsAtOnceAsTheTicketTopicHasPartitions() {
        var defaults = DeliveryServiceTest.properties(Duration.ofSeconds(60));
        var pool = new MailSendPool(new NotificationProperties(defaults.relay(), defaults.defaultFromName(),
                defaults.defaultFromMail(), defaults.messageIdDomain(), defaults.contactKeyset(),
                defaults.attachments(), new NotificationProperties.Sending(0, Duration.ofSeconds(90))));
        try {
            assertThat(pool.concurrency()).isEqualTo(Topic.TICKET_EVENTS.partitions());
            // each blocking "send" waits until all of them have started: only true if they all run at once
            var allStarted = new CountDownLatch(pool.concurrency());
            var results = Flux.range(0, pool.concurrency())
                    .flatMap(i -> Mono.fromCallable(() -> {
                        allStarted.countDown();
                        return allStarted.await(5, TimeUnit.SECONDS);
                    }).subscribeOn(pool.scheduler()))
                    .collectList().block(Duration.ofSeconds(10));
            assertThat(results).hasSize(pool.concurrency()).containsOnly(true);
        } finally {
            pool.destroy();
        }
    }
}
