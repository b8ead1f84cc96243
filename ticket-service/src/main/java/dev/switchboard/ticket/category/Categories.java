package dev.switchboard.ticket.category;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import org.apache.avro.specific.SpecificRecord;

import dev.switchboard.events.category.CategoryChanged;
import dev.switchboard.events.category.CategoryDeleted;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import dev.switchboard.platform.outbox.PendingEvent;
import dev.switchboard.platform.web.NhnApiException;
import dev.switchboard.ticket.category.CategoryRequests.CategoryView;
import dev.switchboard.ticket.category.CategoryRequests.CreateCategoryRequest;
import dev.switchboard.ticket.category.CategoryRequests.UpdateCategoryRequest;
import dev.switchboard.platform.mongo.TenantReadCache;
import dev.switchboard.ticket.category.CategoryTree.Category;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * A tenant's category tree: listed publicly, changed through the signed admin API. Every change is checked
 * against the whole tree (at most {@value CategoryTree#MAX_LEVEL} levels, no cycles, deletes only of unused
 * leaves) and written with its events in one version-checked update; a concurrent change makes it retry.
 */
@Service
public class Categories {

    static final int MAX_CATEGORIES = 2000;

    /** Whether tickets use a category; the ticket feature answers, so a used category is never deleted. */
    public interface Usage {
        Mono<Boolean> inUse(String serviceId, long categoryId);
    }

    private record Change(CategoryTree tree, List<SpecificRecord> events, long categoryId) {
    }

    private final ReactiveMongoTemplate mongo;
    private final EventMetadataFactory metadata;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final Usage usage;
    private final Clock clock = Clock.systemUTC();
    /** Every ticket and help-center read needs the tree; another instance's change shows within two seconds. */
    private final TenantReadCache<CategoryTree> trees = new TenantReadCache<>(Duration.ofSeconds(2), 10_000);

    Categories(ReactiveMongoTemplate mongo, EventMetadataFactory metadata, Outbox outbox, OutboxRelay relay,
               Usage usage) {
        this.mongo = mongo;
        this.metadata = metadata;
        this.outbox = outbox;
        this.relay = relay;
        this.usage = usage;
    }

    /** Whether the tenant has this category. */
    public Mono<Boolean> exists(String serviceId, long categoryId) {
        return tree(serviceId).map(tree -> tree.find(categoryId).isPresent());
    }

    /** The tenant's categories as ticket views and field layouts need them, read once. */
    public Mono<Lineages> lineages(String serviceId) {
        return tree(serviceId).map(Lineages::new);
    }

    /**
     * The list the help center shows: all categories, or the children of {@code parent}, or the ancestors of
     * {@code child}; names in {@code language} where given, else the default name.
     */
    Mono<List<CategoryView>> list(String serviceId, Long parent, Long child, String language) {
        if (parent != null && child != null) {
            return Mono.error(NhnApiException.badRequest("Invalid parameter: give parent or child, not both"));
        }
        return tree(serviceId).map(tree -> {
            List<Category> selected = parent != null ? tree.children(parent)
                    : child != null ? tree.ancestors(child)
                    : tree.categories();
            var shape = tree.shape();
            return shape.ordered(selected).stream().map(c -> view(shape, c, language)).toList();
        });
    }

    Mono<CategoryView> create(String serviceId, CreateCategoryRequest request, String correlationId) {
        Map<String, String> languages = languages(request.languages());
        return change(serviceId, correlationId, tree -> {
            if (tree.categories().size() >= MAX_CATEGORIES) {
                throw NhnApiException.badRequest("A service has at most " + MAX_CATEGORIES + " categories");
            }
            long parent = request.parent() == null ? 0 : request.parent();
            int level = 1;
            if (parent != 0) {
                tree.find(parent).orElseThrow(() -> NhnApiException.badRequest("Invalid parent: no category " + parent));
                level = tree.level(parent) + 1;
            }
            if (level > CategoryTree.MAX_LEVEL) {
                throw NhnApiException.badRequest("Categories have at most " + CategoryTree.MAX_LEVEL
                        + " levels: category " + parent + " is at level " + (level - 1));
            }
            long id = request.categoryId() != null ? request.categoryId() : tree.lastId() + 1;
            if (tree.find(id).isPresent()) {
                throw NhnApiException.relatedDataExists("Category " + id + " already exists");
            }
            var now = clock.instant();
            var category = new Category(id, parent, request.name().strip(), languages,
                    request.orderNo() == null ? 0 : request.orderNo(), now, now);
            List<Category> all = new ArrayList<>(tree.categories());
            all.add(category);
            var changed = new CategoryTree(serviceId, tree.version(), Math.max(tree.lastId(), id), all, List.of());
            return new Change(changed, List.of(changedEvent(changed, category, "created", serviceId, correlationId)), id);
        });
    }

    Mono<CategoryView> update(String serviceId, long categoryId, UpdateCategoryRequest request, String correlationId) {
        Map<String, String> languages = request.languages() == null ? null : languages(request.languages());
        return change(serviceId, correlationId, tree -> {
            Category current = tree.find(categoryId)
                    .orElseThrow(() -> NhnApiException.notFound("No category " + categoryId));
            long parent = request.parent() == null ? current.parent() : request.parent();
            boolean moved = parent != current.parent();
            if (moved && parent != 0) {
                var shape = tree.shape();
                if (parent == categoryId || shape.isDescendant(parent, categoryId)) {
                    throw NhnApiException.badRequest("Category " + categoryId + " cannot move under itself or its own"
                            + " subcategory " + parent);
                }
                tree.find(parent).orElseThrow(() -> NhnApiException.badRequest("Invalid parent: no category " + parent));
                int depth = shape.level(parent) + shape.height(categoryId);
                if (depth > CategoryTree.MAX_LEVEL) {
                    throw NhnApiException.badRequest("Moving category " + categoryId + " under " + parent
                            + " would make the tree " + depth + " levels deep; at most " + CategoryTree.MAX_LEVEL);
                }
            }
            var updated = new Category(categoryId, parent, request.name() == null ? current.name() : request.name().strip(),
                    languages == null ? current.languages() : languages,
                    request.orderNo() == null ? current.orderNo() : request.orderNo(), current.createdAt(),
                    clock.instant());
            List<Category> all = tree.categories().stream().map(c -> c.categoryId() == categoryId ? updated : c).toList();
            var changed = new CategoryTree(serviceId, tree.version(), tree.lastId(), all, List.of());
            return new Change(changed, List.of(changedEvent(changed, updated, moved ? "moved" : "updated", serviceId,
                    correlationId)), categoryId);
        });
    }

    /** Deletes a category that has no subcategories and no tickets (9007 otherwise). */
    Mono<Void> delete(String serviceId, long categoryId, String correlationId) {
        return usage.inUse(serviceId, categoryId).flatMap(used -> {
            if (used) {
                return Mono.error(NhnApiException.relatedDataExists("Category " + categoryId + " has tickets"));
            }
            return change(serviceId, correlationId, tree -> {
                tree.find(categoryId).orElseThrow(() -> NhnApiException.notFound("No category " + categoryId));
                if (!tree.children(categoryId).isEmpty()) {
                    throw NhnApiException.relatedDataExists("Category " + categoryId + " has subcategories");
                }
                List<Category> rest = tree.categories().stream().filter(c -> c.categoryId() != categoryId).toList();
                var event = CategoryDeleted.newBuilder().setMetadata(metadata.create(serviceId, correlationId))
                        .setCategoryId(categoryId).build();
                return new Change(new CategoryTree(serviceId, tree.version(), tree.lastId(), rest, List.of()),
                        List.of(event), categoryId);
            }).then();
        });
    }

    private Mono<CategoryTree> tree(String serviceId) {
        return trees.get(serviceId, this::storedTree);
    }

    /** The tree as stored now, for a change to check and write against. */
    private Mono<CategoryTree> storedTree(String serviceId) {
        return mongo.findById(serviceId, CategoryTree.class).defaultIfEmpty(CategoryTree.empty(serviceId));
    }

    /** Applies a change to the current tree and writes it only if nobody changed the tree meanwhile. */
    private Mono<CategoryView> change(String serviceId, String correlationId, Function<CategoryTree, Change> change) {
        return Mono.defer(() -> storedTree(serviceId).flatMap(current -> {
                    Change next = change.apply(current);
                    List<PendingEvent> pending = next.events().stream().map(e -> outbox.pending(serviceId, e)).toList();
                    Mono<CategoryTree> written;
                    if (current.version() == 0) {
                        written = mongo.insert(new CategoryTree(serviceId, 1, next.tree().lastId(),
                                next.tree().categories(), pending));
                    } else {
                        var update = new Update().set("version", current.version() + 1)
                                .set("lastId", next.tree().lastId())
                                .set("categories", next.tree().categories())
                                .push("pendingEvents").each(pending.toArray());
                        written = mongo.findAndModify(Query.query(Criteria.where("_id").is(serviceId)
                                                .and("version").is(current.version())), update,
                                        FindAndModifyOptions.options().returnNew(true), CategoryTree.class)
                                .switchIfEmpty(Mono.error(() -> new DuplicateKeyException("concurrent change")));
                    }
                    // this instance's next read sees what is stored, even when the request left before the write ended
                    return relay.writeThenRelay(written.doFinally(signal -> trees.invalidate(serviceId)),
                                    CategoryTree.COLLECTION, serviceId)
                            .map(saved -> new Change(saved, next.events(), next.categoryId()));
                }))
                // a concurrent change of the same tree: read it again and re-check
                .retryWhen(Retry.max(5).filter(DuplicateKeyException.class::isInstance))
                .onErrorMap(DuplicateKeyException.class,
                        e -> NhnApiException.relatedDataExists("The categories changed concurrently; try again"))
                // whatever the outcome, the next read of this instance sees what is stored
                .doFinally(signal -> trees.invalidate(serviceId))
                // a deleted category has no view: the result is empty
                .flatMap(saved -> Mono.justOrEmpty(saved.tree().find(saved.categoryId())
                        .map(c -> view(saved.tree().shape(), c, null))));
    }

    private CategoryChanged changedEvent(CategoryTree tree, Category category, String change, String serviceId,
                                         String correlationId) {
        var shape = tree.shape();
        return CategoryChanged.newBuilder().setMetadata(metadata.create(serviceId, correlationId))
                .setCategoryId(category.categoryId()).setParent(category.parent())
                .setLevel(shape.level(category.categoryId())).setPath(shape.path(category.categoryId()))
                .setOrderNo(category.orderNo()).setName(category.name())
                .setLanguages(new LinkedHashMap<>(category.languages()))
                .setChange(change).build();
    }

    private static Map<String, String> languages(Map<String, String> given) {
        Map<String, String> languages = new LinkedHashMap<>();
        if (given == null) {
            return languages;
        }
        given.forEach((code, name) -> {
            if (!LanguageCode.valid(code)) {
                throw NhnApiException.badRequest("Invalid language code '" + code + "': use ISO 639 codes such as en or ko");
            }
            if (name == null || name.isBlank() || name.length() > 100) {
                throw NhnApiException.badRequest("Invalid name for language " + code + ": 1-100 characters");
            }
            languages.put(code, name.strip());
        });
        return languages;
    }

    private static CategoryView view(CategoryTree.Shape shape, Category category, String language) {
        return new CategoryView(category.categoryId(), category.parent(), Lineages.name(category, language), shape.level(category.categoryId()),
                shape.path(category.categoryId()), category.orderNo(), category.languages());
    }
}
