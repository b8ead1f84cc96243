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

    /** The derived shape (ancestors, levels, paths) of the tree as it is now; build once per request. */
    Shape shape() {
        return new Shape(categories);
    }

    List<Category> ancestors(long categoryId) {
        return shape().ancestors(categoryId);
    }

    int level(long categoryId) {
        return shape().level(categoryId);
    }

    String path(long categoryId) {
        return shape().path(categoryId);
    }

    int height(long categoryId) {
        return shape().height(categoryId);
    }

    boolean isDescendant(long candidate, long ancestor) {
        return shape().isDescendant(candidate, ancestor);
    }

    List<Category> ordered(List<Category> some) {
        return shape().ordered(some);
    }

    /** Parent links indexed once, so listing a whole tree is linear rather than quadratic. */
    static final class Shape {

        private final Map<Long, Category> byId = new HashMap<>();
        private final Map<Long, List<Category>> children = new HashMap<>();

        private Shape(List<Category> categories) {
            for (Category category : categories) {
                byId.put(category.categoryId(), category);
                children.computeIfAbsent(category.parent(), parent -> new ArrayList<>()).add(category);
            }
        }

        /** Ancestors from the top level down to the direct parent. */
        List<Category> ancestors(long categoryId) {
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
            return 1 + children.getOrDefault(categoryId, List.of()).stream()
                    .mapToInt(child -> height(child.categoryId())).max().orElse(0);
        }

        boolean isDescendant(long candidate, long ancestor) {
            return ancestors(candidate).stream().anyMatch(c -> c.categoryId() == ancestor);
        }

        /** Display order: by level, then order number, then id, as the vendor lists them. */
        List<Category> ordered(List<Category> some) {
            Map<Long, Integer> levels = new HashMap<>();
            some.forEach(c -> levels.put(c.categoryId(), level(c.categoryId())));
            return some.stream().sorted(Comparator.<Category>comparingInt(c -> levels.get(c.categoryId()))
                    .thenComparingInt(Category::orderNo).thenComparingLong(Category::categoryId)).toList();
        }
    }
}
