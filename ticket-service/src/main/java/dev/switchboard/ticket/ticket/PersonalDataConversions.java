package dev.switchboard.ticket.ticket;

import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.mongodb.core.convert.MongoCustomConversions;

/**
 * Reads a customer's e-mail, name or phone that an older version stored as a plain string (before sealing)
 * as a clear value, so such a ticket still opens even if it was written after the one-time sealing pass
 * (an old instance during a rolling deploy). It has no hash, so the e-mail and name filters do not find it.
 */
@Configuration(proxyBeanMethods = false)
class PersonalDataConversions {

    @Bean
    MongoCustomConversions mongoCustomConversions() {
        return new MongoCustomConversions(List.of(new ClearText()));
    }

    @ReadingConverter
    static final class ClearText implements Converter<String, Ticket.Personal> {
        @Override
        public Ticket.Personal convert(String source) {
            return new Ticket.Personal(source, null, null);
        }
    }
}
