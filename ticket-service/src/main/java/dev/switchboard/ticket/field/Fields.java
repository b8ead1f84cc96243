package dev.switchboard.ticket.field;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.switchboard.platform.web.NhnApiException;
import dev.switchboard.ticket.category.Categories;
import dev.switchboard.platform.mongo.TenantReadCache;
import dev.switchboard.ticket.category.LanguageCode;
import dev.switchboard.ticket.category.Lineages;
import dev.switchboard.ticket.field.FieldDefinition.Translation;
import dev.switchboard.ticket.field.FieldRequests.CreateFieldRequest;
import dev.switchboard.ticket.field.FieldRequests.FieldView;
import dev.switchboard.ticket.field.FieldRequests.TranslationBody;
import dev.switchboard.ticket.field.FieldRequests.UpdateFieldRequest;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * A tenant's ticket form: field definitions (system and custom), the layout per category, the public list the
 * help center renders, and the {@link Form} a new ticket is checked against.
 */
@Service
public class Fields {

    static final int MAX_CUSTOM_FIELDS = 200;
    /** The fields every layout shows: the create API needs them. */
    static final Set<Long> ALWAYS_SHOWN = Set.of(1L, 3L, 5L, 6L);
    /** System fields whose values are always required or always sealed. */
    private static final Set<String> ALWAYS_REQUIRED = Set.of("category", "mail", "subject", "content");
    private static final Set<String> ALWAYS_ENCRYPTED = Set.of("mail", "phone");
    /** System fields with a configurable length, and the ticket's hard limit for each. */
    private static final Map<String, Integer> SYSTEM_LIMITS = Map.of("mail", 254, "subject", 255,
            "content", FieldInput.MAX_TEXT, "name", 100, "phone", 30, "typeOne", 200, "typeTwo", 200);

    private final ReactiveMongoTemplate mongo;
    private final Categories categories;
    /** Every ticket and help-center read needs the form; another instance's change shows within two seconds. */
    private final TenantReadCache<FieldSet> sets = new TenantReadCache<>(Duration.ofSeconds(2), 10_000);

    Fields(ReactiveMongoTemplate mongo, Categories categories) {
        this.mongo = mongo;
        this.categories = categories;
    }

    /** The form for a ticket of {@code categoryId}; an unknown or absent category gets the default layout. */
    public Mono<Form> form(String serviceId, Long categoryId, String language) {
        return Mono.zip(set(serviceId), categories.lineages(serviceId)).map(both -> {
            FieldSet set = both.getT1();
            var lineage = categoryId == null ? Optional.<Lineages.Lineage>empty()
                    : both.getT2().of(categoryId, language);
            List<Long> layout = lineage.map(l -> set.layoutFor(l.selfToRoot())).orElse(set.defaultLayout());
            List<FieldDefinition> shown = shown(set, layout);
            if (both.getT2().isEmpty()) {
                // a tenant without categories cannot require one
                shown = shown.stream().filter(f -> !"category".equals(f.code())).toList();
            }
            return new Form(shown, set.fields(), lineage.isPresent(),
                    lineage.map(Lineages.Lineage::name).orElse(null),
                    lineage.map(Lineages.Lineage::fullName).orElse(null));
        });
    }

    /** The public list for a submission type, in the layout's order and the requested language. */
    Mono<List<FieldView>> listFor(String serviceId, long categoryId, String language) {
        return form(serviceId, categoryId, language).map(form -> {
            if (!form.categoryKnown()) {
                throw NhnApiException.notFound("No category " + categoryId);
            }
            return form.shown().stream().map(f -> view(f, language)).toList();
        });
    }

    Mono<List<FieldDefinition>> all(String serviceId) {
        return set(serviceId).map(FieldSet::fields);
    }

    /** The field ids a category shows (0: the default layout) and whether they are its own or inherited. */
    Mono<Map<String, Object>> layout(String serviceId, long categoryId) {
        return Mono.zip(set(serviceId), categories.lineages(serviceId)).map(both -> {
            FieldSet set = both.getT1();
            if (categoryId == 0) {
                return Map.of("categoryId", 0L, "fieldIds", set.defaultLayout(), "inherited", false);
            }
            var lineage = both.getT2().of(categoryId, null)
                    .orElseThrow(() -> NhnApiException.notFound("No category " + categoryId));
            return Map.of("categoryId", categoryId, "fieldIds", set.layoutFor(lineage.selfToRoot()),
                    "inherited", !set.layouts().containsKey(String.valueOf(categoryId)));
        });
    }

    Mono<FieldDefinition> create(String serviceId, CreateFieldRequest request) {
        FieldType type = FieldType.of(request.type()).orElseThrow(() -> NhnApiException.badRequest(
                "Invalid type '" + request.type() + "': one of "
                        + Arrays.stream(FieldType.values()).map(FieldType::wireName).collect(Collectors.joining(", "))));
        List<String> options = options(type, request.options());
        Map<String, Translation> languages = languages(request.languages(), options);
        return change(serviceId, set -> {
            if (set.fields().stream().filter(f -> !f.system()).count() >= MAX_CUSTOM_FIELDS) {
                throw NhnApiException.badRequest("A service has at most " + MAX_CUSTOM_FIELDS + " custom fields");
            }
            if (set.byCode(request.code()).isPresent()) {
                throw NhnApiException.relatedDataExists("A field with code " + request.code() + " already exists");
            }
            long id = request.fieldId() != null ? request.fieldId() : set.lastId() + 1;
            if (id < FieldSet.FIRST_CUSTOM_ID) {
                throw NhnApiException.badRequest("Invalid fieldId " + id + ": ids below " + FieldSet.FIRST_CUSTOM_ID
                        + " are reserved for system fields");
            }
            if (set.find(id).isPresent()) {
                throw NhnApiException.relatedDataExists("Field " + id + " already exists");
            }
            var field = new FieldDefinition(id, request.code(), type.wireName(), false, request.title().strip(),
                    orEmpty(request.description()), orEmpty(request.placeholder()),
                    request.length() == null ? 0 : request.length(), Boolean.TRUE.equals(request.required()),
                    Boolean.TRUE.equals(request.encrypt()), !Boolean.FALSE.equals(request.holdingText()), options,
                    languages);
            List<FieldDefinition> fields = new ArrayList<>(set.fields());
            fields.add(field);
            return new FieldSet(serviceId, set.version(), Math.max(set.lastId(), id), fields, set.defaultLayout(),
                    set.layouts());
        }).map(saved -> saved.find(request.fieldId() != null ? request.fieldId() : saved.lastId()).orElseThrow());
    }

    Mono<FieldDefinition> update(String serviceId, long fieldId, UpdateFieldRequest request) {
        return change(serviceId, set -> {
            FieldDefinition current = set.find(fieldId)
                    .orElseThrow(() -> NhnApiException.notFound("No field " + fieldId));
            FieldType type = current.fieldType();
            if (current.system()) {
                systemRules(current, request);
            }
            List<String> options = request.options() == null ? current.options() : options(type, request.options());
            Map<String, Translation> languages = request.languages() == null
                    ? current.languages() : languages(request.languages(), options);
            var updated = new FieldDefinition(fieldId, current.code(), current.type(), current.system(),
                    request.title() == null ? current.title() : request.title().strip(),
                    request.description() == null ? current.description() : request.description(),
                    request.placeholder() == null ? current.placeholder() : request.placeholder(),
                    request.length() == null ? current.length() : request.length(),
                    request.required() == null ? current.required() : request.required(),
                    request.encrypt() == null ? current.encrypt() : request.encrypt(),
                    request.holdingText() == null ? current.holdingText() : request.holdingText(), options, languages);
            List<FieldDefinition> fields = set.fields().stream().map(f -> f.fieldId() == fieldId ? updated : f).toList();
            return new FieldSet(serviceId, set.version(), set.lastId(), fields, set.defaultLayout(), set.layouts());
        }).map(saved -> saved.find(fieldId).orElseThrow());
    }

    /** Deletes a custom field and takes it out of every layout; tickets keep the values they were given. */
    Mono<Void> delete(String serviceId, long fieldId) {
        return change(serviceId, set -> {
            FieldDefinition current = set.find(fieldId)
                    .orElseThrow(() -> NhnApiException.notFound("No field " + fieldId));
            if (current.system()) {
                throw NhnApiException.badRequest("System field " + current.code()
                        + " cannot be deleted; leave it out of a layout instead");
            }
            Map<String, List<Long>> layouts = new HashMap<>();
            set.layouts().forEach((category, ids) -> layouts.put(category, without(ids, fieldId)));
            return new FieldSet(serviceId, set.version(), set.lastId(),
                    set.fields().stream().filter(f -> f.fieldId() != fieldId).toList(),
                    without(set.defaultLayout(), fieldId), layouts);
        }).then();
    }

    /** Chooses and orders the fields of a category (0: the default layout that categories inherit). */
    Mono<Map<String, Object>> saveLayout(String serviceId, long categoryId, List<Long> fieldIds) {
        Mono<Boolean> known = categoryId == 0 ? Mono.just(true)
                : categories.lineages(serviceId).map(l -> l.of(categoryId, null).isPresent());
        return known.flatMap(exists -> {
            if (!exists) {
                return Mono.error(NhnApiException.notFound("No category " + categoryId));
            }
            if (new LinkedHashSet<>(fieldIds).size() != fieldIds.size()) {
                return Mono.error(NhnApiException.badRequest("Invalid fieldIds: a field appears twice"));
            }
            if (!fieldIds.containsAll(ALWAYS_SHOWN)) {
                return Mono.error(NhnApiException.badRequest(
                        "Invalid fieldIds: every layout shows category (1), mail (3), subject (5) and content (6)"));
            }
            return change(serviceId, set -> {
                for (Long id : fieldIds) {
                    set.find(id).orElseThrow(() -> NhnApiException.badRequest("Invalid fieldIds: no field " + id));
                }
                Map<String, List<Long>> layouts = new HashMap<>(set.layouts());
                List<Long> defaultLayout = set.defaultLayout();
                if (categoryId == 0) {
                    defaultLayout = List.copyOf(fieldIds);
                } else {
                    layouts.put(String.valueOf(categoryId), List.copyOf(fieldIds));
                }
                return new FieldSet(serviceId, set.version(), set.lastId(), set.fields(), defaultLayout, layouts);
            }).then(layout(serviceId, categoryId));
        });
    }

    private Mono<FieldSet> set(String serviceId) {
        return sets.get(serviceId, this::storedSet);
    }

    /** The form as stored now, for a change to check and write against. */
    private Mono<FieldSet> storedSet(String serviceId) {
        return mongo.findById(serviceId, FieldSet.class).defaultIfEmpty(FieldSet.defaults(serviceId));
    }

    /** Applies a change to the current form and writes it only if nobody changed it meanwhile. */
    private Mono<FieldSet> change(String serviceId, UnaryOperator<FieldSet> change) {
        return Mono.defer(() -> storedSet(serviceId).flatMap(current -> {
                    FieldSet next = change.apply(current);
                    if (current.version() == 0) {
                        return mongo.insert(new FieldSet(serviceId, 1, next.lastId(), next.fields(),
                                next.defaultLayout(), next.layouts()));
                    }
                    var update = new Update().set("version", current.version() + 1).set("lastId", next.lastId())
                            .set("fields", next.fields()).set("defaultLayout", next.defaultLayout())
                            .set("layouts", next.layouts());
                    return mongo.findAndModify(Query.query(Criteria.where("_id").is(serviceId)
                                    .and("version").is(current.version())), update,
                                    FindAndModifyOptions.options().returnNew(true), FieldSet.class)
                            .switchIfEmpty(Mono.error(() -> new DuplicateKeyException("concurrent change")));
                }))
                .retryWhen(Retry.max(5).filter(DuplicateKeyException.class::isInstance))
                .onErrorMap(DuplicateKeyException.class,
                        e -> NhnApiException.relatedDataExists("The form changed concurrently; try again"))
                // whatever the outcome, the next read of this instance sees what is stored
                .doFinally(signal -> sets.invalidate(serviceId));
    }

    private static void systemRules(FieldDefinition current, UpdateFieldRequest request) {
        if (request.options() != null) {
            throw NhnApiException.badRequest("System field " + current.code() + " has no options");
        }
        if (Boolean.FALSE.equals(request.required()) && ALWAYS_REQUIRED.contains(current.code())) {
            throw NhnApiException.badRequest("System field " + current.code() + " is always required");
        }
        if (Boolean.FALSE.equals(request.encrypt()) && ALWAYS_ENCRYPTED.contains(current.code())) {
            throw NhnApiException.badRequest("System field " + current.code() + " is always encrypted");
        }
        Integer limit = SYSTEM_LIMITS.get(current.code());
        if (request.length() != null && (limit == null ? request.length() != 0
                : request.length() == 0 || request.length() > limit)) {
            throw NhnApiException.badRequest("Invalid length for system field " + current.code() + ": "
                    + (limit == null ? "it has none" : "1-" + limit));
        }
    }

    private static List<String> options(FieldType type, List<String> given) {
        if (!type.hasOptions()) {
            if (given != null && !given.isEmpty()) {
                throw NhnApiException.badRequest("Invalid options: a " + type.wireName() + " field has none");
            }
            return null;
        }
        if (given == null || given.isEmpty()) {
            throw NhnApiException.badRequest("Invalid options: a " + type.wireName() + " field needs at least one");
        }
        List<String> options = given.stream().map(String::strip).toList();
        if (new LinkedHashSet<>(options).size() != options.size()) {
            throw NhnApiException.badRequest("Invalid options: each option appears once");
        }
        return options;
    }

    private static Map<String, Translation> languages(Map<String, TranslationBody> given, List<String> options) {
        Map<String, Translation> languages = new LinkedHashMap<>();
        if (given == null) {
            return languages;
        }
        given.forEach((code, body) -> {
            if (!LanguageCode.valid(code) || body == null) {
                throw NhnApiException.badRequest("Invalid language code '" + code + "': use ISO 639 codes such as en or ko");
            }
            int expected = options == null ? 0 : options.size();
            if (body.options() != null && body.options().size() != expected) {
                throw NhnApiException.badRequest("Invalid options for language " + code + ": give " + expected
                        + ", in the order of the default options");
            }
            languages.put(code, new Translation(body.title(), body.description(), body.placeholder(), body.options()));
        });
        return languages;
    }

    private static List<FieldDefinition> shown(FieldSet set, List<Long> layout) {
        return layout.stream().map(set::find).flatMap(Optional::stream).toList();
    }

    private static List<Long> without(List<Long> ids, long fieldId) {
        return ids.stream().filter(id -> id != fieldId).toList();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static FieldView view(FieldDefinition field, String language) {
        Translation t = language == null || field.languages() == null ? null : field.languages().get(language);
        return new FieldView(field.fieldId(), field.code(), field.type(),
                t != null && t.title() != null ? t.title() : field.title(),
                t != null && t.description() != null ? t.description() : field.description(),
                t != null && t.placeholder() != null ? t.placeholder() : field.placeholder(),
                field.length(), field.required(), field.encrypt(), field.holdingText(),
                t != null && t.options() != null ? t.options() : field.options(), null);
    }
}
