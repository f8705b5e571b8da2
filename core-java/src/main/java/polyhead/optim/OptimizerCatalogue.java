package polyhead.optim;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

import polyhead.io.UserText;
import polyhead.optim.Optimizers.Adadelta;
import polyhead.optim.Optimizers.Adagrad;
import polyhead.optim.Optimizers.Adam;
import polyhead.optim.Optimizers.AdamW;
import polyhead.optim.Optimizers.Adamax;
import polyhead.optim.Optimizers.Lion;
import polyhead.optim.Optimizers.NAdam;
import polyhead.optim.Optimizers.RAdam;
import polyhead.optim.Optimizers.RmsProp;
import polyhead.optim.Optimizers.Sgd;
import polyhead.optim.schedule.Schedule;

/**
 * The finished optimizers of {@link Optimizers} as one table: each optimizer's name, its settings record (whose
 * {@code lr(...)} factory states the defaults, the only place they are stated), its default learning rate (none for
 * SGD, as in PyTorch) and the chain it builds. The records' components are the optimizer's settings, read
 * generically: a caller that knows the optimizers by name and their settings by field name (the experiment builder,
 * the DSL's compiler and its JSON spec) works from this table instead of listing them again.
 *
 * <pre>{@code
 * OptimizerCatalogue.entry("adam").defaults()                       // {lr=0.001, beta1=0.9, beta2=0.999, ...}
 * OptimizerCatalogue.entry("adam").settings(Map.of("amsgrad", true)) // Adam.defaults().amsgrad(true)
 * }</pre>
 */
public final class OptimizerCatalogue {
    /** The name of every settings record's learning rate component. */
    public static final String LR = "lr";
    /** The name of every settings record's weight decay component. */
    public static final String WEIGHT_DECAY = "weightDecay";

    private static final List<Entry<?>> ENTRIES = List.of(
            new Entry<>("sgd", Sgd.class, Sgd::lr, null, Optimizers::sgd),
            new Entry<>("adagrad", Adagrad.class, Adagrad::lr, Adagrad.defaults(), Optimizers::adagrad),
            new Entry<>("rmsprop", RmsProp.class, RmsProp::lr, RmsProp.defaults(), Optimizers::rmsprop),
            new Entry<>("adadelta", Adadelta.class, Adadelta::lr, Adadelta.defaults(), Optimizers::adadelta),
            new Entry<>("adam", Adam.class, Adam::lr, Adam.defaults(), Optimizers::adam),
            new Entry<>("adamw", AdamW.class, AdamW::lr, AdamW.defaults(), Optimizers::adamw),
            new Entry<>("adamax", Adamax.class, Adamax::lr, Adamax.defaults(), Optimizers::adamax),
            new Entry<>("nadam", NAdam.class, NAdam::lr, NAdam.defaults(), Optimizers::nadam),
            new Entry<>("radam", RAdam.class, RAdam::lr, RAdam.defaults(), Optimizers::radam),
            new Entry<>("lion", Lion.class, Lion::lr, Lion.defaults(), Optimizers::lion));

    private OptimizerCatalogue() {
    }

    /** Every optimizer, in the order of {@link Optimizers}. */
    public static List<Entry<?>> entries() {
        return ENTRIES;
    }

    /**
     * The optimizer called {@code name} ({@code "adamw"}).
     *
     * @throws IllegalArgumentException naming the known optimizers, if there is none of that name
     */
    public static Entry<?> entry(String name) {
        return ENTRIES.stream().filter(e -> e.name.equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("optimizer: unknown algorithm " + UserText.quote(name) + "; known: "
                        + ENTRIES.stream().map(Entry::name).collect(Collectors.joining(", "))));
    }

    /** The optimizer {@code settings} are of. */
    @SuppressWarnings("unchecked")
    public static <S extends OptimizerSettings> Entry<S> entry(S settings) {
        Objects.requireNonNull(settings, "optimizer: settings");
        return (Entry<S>) ENTRIES.stream().filter(e -> e.type == settings.getClass()).findFirst().orElseThrow();
    }

    /** The finished optimizer of {@code settings}: {@code Optimizers.adam(settings)} for {@link Adam} settings. */
    public static GradientTransformation optimizer(OptimizerSettings settings) {
        return entry(settings).optimizer(settings);
    }

    /**
     * One optimizer of the table.
     *
     * @param <S> its settings record
     */
    public static final class Entry<S extends OptimizerSettings> {
        private final String name;
        private final Class<S> type;
        private final Function<Schedule, S> atRate;
        private final S defaults;
        private final Function<S, GradientTransformation> optimizer;
        private final RecordComponent[] components;

        /**
         * @param atRate    the record's {@code lr(Schedule)} factory: the defaults at a given rate
         * @param defaults  the record's {@code defaults()}, or null if the learning rate has no default
         * @param optimizer the finished optimizer of {@link Optimizers}
         */
        private Entry(String name, Class<S> type, Function<Schedule, S> atRate, S defaults,
                      Function<S, GradientTransformation> optimizer) {
            this.name = name;
            this.type = type;
            this.atRate = atRate;
            this.defaults = defaults;
            this.optimizer = optimizer;
            this.components = type.getRecordComponents();
        }

        /** The optimizer's name, as its settings' messages and the spec's {@code "type"} give it. */
        public String name() {
            return name;
        }

        public Class<S> type() {
            return type;
        }

        /** The names of the settings, in the record's order ({@code lr} first). */
        public List<String> fields() {
            return Arrays.stream(components).map(RecordComponent::getName).toList();
        }

        /** Whether the learning rate has a default (every optimizer but SGD). */
        public boolean hasDefaultLr() {
            return defaults != null;
        }

        /**
         * Every setting with its default, in the record's order: the learning rate as a {@code Double} (left out if
         * it has none), the rest as {@code Double} or {@code Boolean}.
         */
        public Map<String, Object> defaults() {
            S template = defaults != null ? defaults : atRate.apply(new Constant(0));
            Map<String, Object> out = new LinkedHashMap<>();
            for (RecordComponent c : components) {
                if (c.getName().equals(LR)) {
                    if (defaults != null) {
                        out.put(LR, defaults.lr().valueAt(0));
                    }
                } else {
                    out.put(c.getName(), value(template, c));
                }
            }
            return out;
        }

        /**
         * The settings with the values given by name (a number for the learning rate and other numbers,
         * {@code Boolean} for switches); each one not given is the default. Checked as the record checks them.
         *
         * @throws IllegalArgumentException for an unknown name, a value of the wrong kind, a missing learning rate
         *                                  (SGD) or a value out of range
         */
        public S settings(Map<String, ?> values) {
            for (String key : values.keySet()) {
                if (!fields().contains(key)) {
                    throw new IllegalArgumentException(name + ": unknown setting " + UserText.quote(key) + "; settings: "
                            + String.join(", ", fields()));
                }
            }
            Object lr = values.get(LR);
            if (lr == null && defaults == null) {
                throw new IllegalArgumentException(name + ": lr is required (it has no default)");
            }
            S template = lr == null ? defaults : atRate.apply(new Constant(Check.lr(name, number(LR, lr))));
            Object[] args = new Object[components.length];
            for (int k = 0; k < components.length; k++) {
                RecordComponent c = components[k];
                Object given = c.getName().equals(LR) ? null : values.get(c.getName());
                args[k] = given == null ? value(template, c) : convert(c, given);
            }
            return construct(args);
        }

        /** {@code settings} with learning rate {@code lr} and weight decay {@code weightDecay}, the rest kept. */
        public S with(S settings, Schedule lr, double weightDecay) {
            Object[] args = new Object[components.length];
            for (int k = 0; k < components.length; k++) {
                String field = components[k].getName();
                args[k] = field.equals(LR) ? lr : field.equals(WEIGHT_DECAY) ? weightDecay : value(settings, components[k]);
            }
            return construct(args);
        }

        /** The finished optimizer of {@code settings}. */
        public GradientTransformation optimizer(S settings) {
            return optimizer.apply(settings);
        }

        private Object convert(RecordComponent c, Object given) {
            if (c.getType() == double.class) {
                return number(c.getName(), given);
            }
            if (c.getType() == boolean.class && given instanceof Boolean) {
                return given;
            }
            throw new IllegalArgumentException(name + ": " + c.getName() + " must be true or false, got " + given);
        }

        private double number(String field, Object given) {
            if (given instanceof Number n) {
                return n.doubleValue();
            }
            throw new IllegalArgumentException(name + ": " + field + " must be a number, got " + given);
        }

        private static Object value(Object record, RecordComponent c) {
            try {
                return c.getAccessor().invoke(record);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + record, e);
            }
        }

        private S construct(Object[] args) {
            Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
            try {
                Constructor<S> canonical = type.getDeclaredConstructor(types);
                return canonical.newInstance(args);
            } catch (InvocationTargetException e) {
                // the record's own check: its one-line message names the optimizer, the setting and the value
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot make " + type.getSimpleName() + " settings", e);
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
