package polyhead.optim;

/**
 * A state that knows the transformation that made it ({@code owner}) and the parameter view it was made for, so that
 * {@code update} can fail clearly when handed another block's state or another view ({@link #of}).
 *
 * @param <T> the owner's type, for states that read the owner's settings
 */
abstract class OwnedState<T extends GradientTransformation> implements OptState {
    final T owner;
    final Params params;

    OwnedState(T owner, Params params) {
        this.owner = owner;
        this.params = params;
    }

    /**
     * {@code state} as the {@code type} state {@code owner} made for {@code params}; fails with a one-line message on
     * a state another block made, or one made for another parameter view.
     */
    static <S extends OwnedState<?>> S of(Class<S> type, OptState state, GradientTransformation owner, Params params) {
        if (!type.isInstance(state) || ((OwnedState<?>) state).owner != owner) {
            throw foreign(owner, state);
        }
        S s = type.cast(state);
        if (s.params != params) {
            throw otherParams(owner, s.params, params);
        }
        return s;
    }

    static IllegalArgumentException foreign(GradientTransformation owner, OptState state) {
        return new IllegalArgumentException(owner.name() + ": update got a state it did not make (" + state
                + "); pass the state returned by this transformation's init or previous update");
    }

    static IllegalArgumentException otherParams(GradientTransformation owner, Params initialised, Params given) {
        return new IllegalArgumentException(owner.name() + ": state was initialised for " + initialised
                + " but update got " + given);
    }
}
