package dev.switchboard.ticket.category;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.switchboard.platform.outbox.PendingEvent;

/**
 * A tenant's submission types (categories) in one document, so every change of the tree, its checks
 * (depth, cycles) and its events are one atomic, version-checked write. Level and path are derived from
 * the parent links, never stored, so a move changes one entry and cannot leave descendants stale.
 */
@Document(CategoryTree.COLLECTION)
record CategoryTree(@Id String serviceId, long version, long lastId, List<Category> categories,
                    List<PendingEvent> pendingEvents) {

    static final String COLLECTION = "category_trees";
    static final int MAX_LEVEL = 5;

    /** One category; {@code parent} 0 for the top level; {@code name} is in the tenant's default language. */
    record Category(long categoryId, long parent, String name, Map<String, String> languages, int orderNo,
                    Instant createdAt, Instant updatedAt) {
    }

    static CategoryTree empty(String serviceId) {
        return new CategoryTree(serviceId, 0, 0, List.of(), List.of());
    }

    Optional<Category> find(long categoryId) {
        return categories.stream().filter(c -> c.categoryId() == categoryId).findFirst();
    }

    List<Category> children(long parent) {
        return categories.stream().filter(c -> c.parent() == parent).toList();
    }

    /** Ancestors from the top level down to the direct parent. */
    List<Category> ancestors(long categoryId) {
        Map<Long, Category> byId = byId();
        List<Category> chain = new ArrayList<>();
        Category current = byId.get(categoryId);
        while (current != null && current.parent() != 0 && chain.size() <= MAX_LEVEL) {
            current = byId.get(current.parent());
            if (current != null) {
                chain.addFirst(current);
            }
        }
        return chain;
    }

    int level(long categoryId) {
        return ancestors(categoryId).size() + 1;
    }

    /** The vendor's path: a backslash, then each ancestor id followed by a backslash. */
    String path(long categoryId) {
        StringBuilder path = new StringBuilder("\\");
        for (Category ancestor : ancestors(categoryId)) {
            path.append(ancestor.categoryId()).append('\\');
        }
        return path.toString();
    }

    /** How many levels the category's subtree spans (1 for a leaf). */
    int height(long categoryId) {
        return 1 + children(categoryId).stream().mapToInt(child -> height(child.categoryId())).max().orElse(0);
    }

    boolean isDescendant(long candidate, long ancestor) {
        return ancestors(candidate).stream().anyMatch(c -> c.categoryId() == ancestor);
    }

    /** Display order: by level, then order number, then id, as the vendor lists them. */
    List<Category> ordered(List<Category> some) {
        return some.stream().sorted(Comparator.<Category>comparingInt(c -> level(c.categoryId()))
                .thenComparingInt(Category::orderNo).thenComparingLong(Category::categoryId)).toList();
    }

    private Map<Long, Category> byId() {
        Map<Long, Category> byId = new HashMap<>();
        categories.forEach(c -> byId.put(c.categoryId(), c));
        return byId;
    }
}
