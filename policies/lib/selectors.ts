/**
 * Kubernetes label selectors, evaluated with unknowns: the answer is true,
 * false, or the Unknown that prevents an answer.
 */
import { Unknown, isUnknown } from "./unknown";
import { Maybe, asArray, asRecord, asString, field, stringMap } from "./values";

export type Tri = boolean | Unknown;

/** A Service-style selector (a plain map). A missing or empty map selects nothing. */
export function mapSelects(selector: unknown, labels: Record<string, Maybe<string>>): Tri {
    const m = stringMap(selector);
    if (isUnknown(m)) {
        return m;
    }
    const entries = Object.entries(m);
    if (entries.length === 0) {
        return false;
    }
    return allOf(entries.map(([k, v]) => equalLabel(labels[k], v)));
}

/**
 * A LabelSelector ({matchLabels, matchExpressions}). An empty selector selects
 * everything (NetworkPolicy podSelector, PodDisruptionBudget selector).
 */
export function labelSelectorSelects(selector: unknown, labels: Record<string, Maybe<string>>): Tri {
    if (isUnknown(selector)) {
        return selector;
    }
    if (selector === undefined || selector === null) {
        return true;
    }
    const matchLabels = stringMap(field(selector, "matchLabels"));
    if (isUnknown(matchLabels)) {
        return matchLabels;
    }
    const results: Tri[] = Object.entries(matchLabels).map(([k, v]) => equalLabel(labels[k], v));
    const exprs = asArray(field(selector, "matchExpressions"));
    if (isUnknown(exprs)) {
        results.push(exprs);
    } else {
        for (const e of exprs ?? []) {
            results.push(expressionMatches(e, labels));
        }
    }
    return allOf(results);
}

function equalLabel(actual: Maybe<string>, wanted: Maybe<string>): Tri {
    if (isUnknown(wanted)) {
        return wanted;
    }
    if (isUnknown(actual)) {
        return actual;
    }
    return actual !== undefined && actual === wanted;
}

function expressionMatches(expr: unknown, labels: Record<string, Maybe<string>>): Tri {
    const rec = asRecord(expr);
    if (isUnknown(rec)) {
        return rec;
    }
    if (rec === undefined) {
        return true;
    }
    const key = asString(rec.key);
    const op = asString(rec.operator);
    const values = asArray(rec.values);
    if (isUnknown(key)) {
        return key;
    }
    if (isUnknown(op)) {
        return op;
    }
    if (isUnknown(values)) {
        return values;
    }
    if (key === undefined) {
        return false;
    }
    const actual = labels[key];
    if (isUnknown(actual)) {
        return actual;
    }
    const vals = (values ?? []).map((v) => asString(v));
    const unknownVal = vals.find(isUnknown);
    if (unknownVal && (op === "In" || op === "NotIn")) {
        return unknownVal;
    }
    switch (op) {
        case "In":
            return actual !== undefined && vals.includes(actual);
        case "NotIn":
            return actual === undefined || !vals.includes(actual);
        case "Exists":
            return actual !== undefined;
        case "DoesNotExist":
            return actual === undefined;
        default:
            return false;
    }
}

/** Conjunction: false wins, then unknown, else true. */
export function allOf(results: Tri[]): Tri {
    if (results.some((r) => r === false)) {
        return false;
    }
    const u = results.find(isUnknown);
    return u ?? true;
}

/** Disjunction: true wins, then unknown, else false. */
export function anyOf(results: Tri[]): Tri {
    if (results.some((r) => r === true)) {
        return true;
    }
    const u = results.find(isUnknown);
    return u ?? false;
}

/**
 * Whether a LabelSelector admits only pods carrying `label: "true"`: it must
 * require that label in matchLabels, or by an `In ["true"]` expression.
 */
export function requiresLabel(selector: unknown, label: string): Tri {
    if (isUnknown(selector)) {
        return selector;
    }
    if (selector === undefined || selector === null) {
        return false;
    }
    const matchLabels = stringMap(field(selector, "matchLabels"));
    if (isUnknown(matchLabels)) {
        return matchLabels;
    }
    const direct = matchLabels[label];
    if (isUnknown(direct)) {
        return direct;
    }
    if (direct === "true") {
        return true;
    }
    const exprs = asArray(field(selector, "matchExpressions"));
    if (isUnknown(exprs)) {
        return exprs;
    }
    for (const e of exprs ?? []) {
        const key = asString(field(e, "key"));
        const op = asString(field(e, "operator"));
        const values = asArray(field(e, "values"));
        if (isUnknown(key) || isUnknown(op) || isUnknown(values)) {
            return isUnknown(key) ? key : isUnknown(op) ? op : (values as Unknown);
        }
        if (key === label && op === "In" && values !== undefined && values.length > 0 && values.every((v) => v === "true")) {
            return true;
        }
    }
    return false;
}
