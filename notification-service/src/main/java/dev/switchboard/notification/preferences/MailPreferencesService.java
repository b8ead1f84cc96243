package dev.switchboard.notification.preferences;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.switchboard.notification.preferences.MailPreferencesBodies.Acknowledgement;
import dev.switchboard.notification.preferences.MailPreferencesBodies.Administrators;
import dev.switchboard.notification.preferences.MailPreferencesBodies.Answer;
import dev.switchboard.notification.preferences.MailPreferencesBodies.MailPreferencesBody;
import dev.switchboard.platform.web.NhnApiException;
import reactor.core.publisher.Mono;

/**
 * Keeps each tenant's mail preferences and answers them to the mail pipeline from a short cache: a change made
 * through another instance is seen within {@link #CACHE_TTL}, one made through this instance at once.
 */
@Service
public class MailPreferencesService {

    static final Duration CACHE_TTL = Duration.ofSeconds(10);

    private record Cached(MailPreferences preferences, long readAt) {
    }

    private final ReactiveMongoTemplate mongo;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    MailPreferencesService(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** The tenant's preferences, the defaults where it chose none. */
    public Mono<MailPreferences> of(String serviceId) {
        var hit = cache.get(serviceId);
        long now = System.nanoTime();
        if (hit != null && now - hit.readAt() < CACHE_TTL.toNanos()) {
            return Mono.just(hit.preferences());
        }
        return mongo.findById(serviceId, MailPreferences.class)
                .defaultIfEmpty(MailPreferences.defaults(serviceId))
                .doOnNext(found -> {
                    if (cache.size() > 10_000) {
                        cache.clear();
                    }
                    cache.put(serviceId, new Cached(found, now));
                });
    }

    Mono<MailPreferencesBody> get(String serviceId, String domain) {
        return of(serviceId).map(preferences -> view(preferences, domain));
    }

    /** Sets what the body names; what it leaves out keeps its value. */
    Mono<MailPreferencesBody> put(String serviceId, String domain, MailPreferencesBody body) {
        var update = new Update().set("updatedAt", clock.instant());
        if (body.acknowledgement() != null) {
            if (body.acknowledgement().enabled() != null) {
                update.set("acknowledgement", body.acknowledgement().enabled());
            }
            if (body.acknowledgement().texts() != null) {
                update.set("acknowledgementTexts", languages(body.acknowledgement().texts()));
            }
        }
        if (body.answer() != null && body.answer().enabled() != null) {
            update.set("answer", body.answer().enabled());
        }
        if (body.administrators() != null) {
            if (body.administrators().enabled() != null) {
                update.set("administratorNotice", body.administrators().enabled());
            }
            if (body.administrators().recipients() != null) {
                update.set("administrators", body.administrators().recipients().stream()
                        .map(address -> address.strip().toLowerCase(Locale.ROOT)).distinct().toList());
            }
        }
        return mongo.findAndModify(Query.query(Criteria.where("_id").is(serviceId)), update,
                        FindAndModifyOptions.options().upsert(true).returnNew(true), MailPreferences.class)
                .doOnNext(saved -> cache.put(serviceId, new Cached(saved, System.nanoTime())))
                .map(saved -> view(saved, domain));
    }

    private static Map<String, String> languages(Map<String, String> texts) {
        Map<String, String> checked = new TreeMap<>();
        texts.forEach((language, text) -> {
            if (language == null || !language.matches("[A-Za-z]{2}")) {
                throw NhnApiException.badRequest("acknowledgement.texts: a language is a two-letter code, not '"
                        + (language == null ? "" : language.length() > 10 ? language.substring(0, 10) : language) + "'");
            }
            if (text == null || text.isBlank()) {
                throw NhnApiException.badRequest("acknowledgement.texts." + language + " is empty");
            }
            checked.put(language.toLowerCase(Locale.ROOT), text);
        });
        return checked;
    }

    private static MailPreferencesBody view(MailPreferences preferences, String domain) {
        return new MailPreferencesBody(
                new Acknowledgement(preferences.acknowledges(),
                        preferences.acknowledgementTexts() == null ? Map.of() : preferences.acknowledgementTexts()),
                new Answer(preferences.mailsAnswers()),
                new Administrators(preferences.administratorNotice() == null || preferences.administratorNotice(),
                        preferences.administrators() == null ? List.of() : preferences.administrators()),
                domain);
    }
}
