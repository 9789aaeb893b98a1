package org.bptt.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The weights of a model as named tensors, in the equations' orientation, with the names and shapes the model
 * declares ({@link ModelSpec#parameters()}; the naming scheme is in the package documentation). The same type
 * carries gradients dL/dθ, under the parameters' names and in their shapes.
 *
 * <p>The map is unmodifiable and kept in the naming scheme's order (layer by layer, forward before reverse, each as {@link ParameterNames#ALL}, the head's last), whatever order it
 * was given in, so that every loop over parameters runs in the order the model declares them. The tensors themselves
 * are shared, not copied (see {@link Tensor}); {@link #copy()} makes a deep copy.
 *
 * @param byName the tensors by parameter name; a parameter the model leaves out (a bias of a model without biases)
 *               has no entry
 */
public record Parameters(Map<String, Tensor> byName) {

    /**
     * @throws InvalidInputException for a name outside the naming scheme (naming the known names) or a null tensor
     */
    public Parameters {
        InvalidInputException.require(byName != null, "parameters must be given as a map of name to tensor");
        List<String> names = new ArrayList<>(byName.keySet());
        for (String name : names) {
            InvalidInputException.require(ParameterNames.isKnown(name), "unknown parameter '%s'; the known names are %s",
                    name, ParameterNames.ALL);
            InvalidInputException.require(byName.get(name) != null, "parameter %s is null; leave an absent parameter out", name);
        }
        names.sort(ParameterNames.ORDER);
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (String name : names) {
            ordered.put(name, byName.get(name));
        }
        byName = Collections.unmodifiableMap(ordered);
    }

    /** All-zero parameters (or gradient accumulators) for {@code spec}. */
    public static Parameters zeros(ModelSpec spec) {
        return of(spec, declaration -> Tensor.zeros(declaration.shape()));
    }

    /**
     * One tensor for each parameter {@code spec} declares, made by {@code tensorFor} in the declared order (so that
     * parameters drawn from one random generator come out the same on every run).
     */
    public static Parameters of(ModelSpec spec, Function<ParameterDeclaration, Tensor> tensorFor) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (ParameterDeclaration declaration : spec.parameters()) {
            tensors.put(declaration.name(), tensorFor.apply(declaration));
        }
        return new Parameters(tensors);
    }

    /**
     * The parameter called {@code name}, or null when there is none of that name here (a bias of a model without
     * biases, or a gradient an implementation did not return).
     *
     * @throws InvalidInputException when no cell or head declares a parameter of that name, naming the known names
     */
    public Tensor get(String name) {
        InvalidInputException.require(ParameterNames.isKnown(name), "unknown parameter '%s'; the known names are %s",
                name, ParameterNames.ALL);
        return byName.get(name);
    }

    /** A copy with the parameter called {@code name} set to {@code value} (replaced, or added when it was absent). */
    public Parameters with(String name, Tensor value) {
        Map<String, Tensor> tensors = new LinkedHashMap<>(byName);
        tensors.put(name, value);
        return new Parameters(tensors);
    }

    /** A deep copy. */
    public Parameters copy() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        byName.forEach((name, tensor) -> tensors.put(name, tensor.copy()));
        return new Parameters(tensors);
    }

    /**
     * Checks that these are exactly the parameters {@code spec} declares, each in its declared shape with every
     * element finite.
     *
     * @throws InvalidInputException naming the parameter and what is wrong with it
     */
    public void validate(ModelSpec spec) {
        List<ParameterDeclaration> declared = spec.parameters();
        List<String> declaredNames = declared.stream().map(ParameterDeclaration::name).toList();
        for (ParameterDeclaration declaration : declared) {
            Tensor tensor = byName.get(declaration.name());
            InvalidInputException.require(tensor != null, "parameter %s %s (%s) is missing; the model's parameters are %s",
                    declaration.name(), declaration.layout(), declaration.meaning(), declaredNames);
            tensor.requireShapeAndFinite(declaration.name(), declaration.shape());
        }
        for (String name : byName.keySet()) {
            InvalidInputException.require(declaredNames.contains(name),
                    "parameter %s is given, but the model %s has no such parameter; its parameters are %s",
                    name, spec.label(), declaredNames);
        }
    }
}
