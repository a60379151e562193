/**
 * Stands in for jsonpath-plus in the extension build. json-rules-engine imports it for condition
 * paths, but Tiermark always passes its own dot-path resolver (facts are flat), and jsonpath-plus
 * carries a `new Function` evaluator that has no place in an extension.
 */
export function JSONPath(): never {
  throw new Error('Tiermark: JSONPath is not available; conditions use dot paths');
}
