package dev.feedsearch.indexer;

import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.model.IndexChange;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;

/**
 * A FAKE, for a fault that cannot be caused for real once validation keeps the known poisons out: a real index whose
 * {@code apply} throws (as an engine would on a value nobody foresaw) whenever the batch holds a change to one of
 * {@code poisonKeys}; nothing of such a batch is written. Everything else goes to the real index.
 */
public final class FaultInjectingIndex {
    private FaultInjectingIndex() {}

    public static PostIndex wrap(PostIndex real, Set<String> poisonKeys) {
        return (PostIndex) Proxy.newProxyInstance(
                PostIndex.class.getClassLoader(), new Class<?>[] {PostIndex.class}, (proxy, method, args) -> {
                    if (method.getName().equals("apply")) {
                        @SuppressWarnings("unchecked")
                        List<? extends IndexChange> changes = (List<? extends IndexChange>) args[0];
                        for (IndexChange c : changes) {
                            if (poisonKeys.contains(c.key()))
                                throw new ArithmeticException("injected fault: long overflow on " + c.key());
                        }
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
