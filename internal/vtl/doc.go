// Package vtl implements the Velocity Template Language (Apache Velocity 1.7)
// as Amazon API Gateway's mapping templates use it: a lexer of state
// functions, a recursive-descent parser producing a node tree that prints
// back as source, and an executor that renders a parsed template many times,
// concurrently, against fresh variables.
//
// The package knows nothing of API Gateway. Host objects ($input, $util,
// $context in package mappingtemplate) reach templates through the Object
// interface and the List and Map value types defined here.
//
// Output follows Velocity 1.7 byte for byte where a template only uses the
// language: whitespace gobbling around directives, missing references printed
// as their own source, Java's toString of numbers, lists and maps, and
// Velocity's rules for ==, truthiness and arithmetic.
package vtl
