// Package vtl implements the Velocity Template Language (Apache Velocity 1.7)
// as Amazon API Gateway's mapping templates use it: a lexer of state
// functions, a recursive-descent parser producing a node tree that prints
// back as source, and an executor that renders a parsed template many times,
// concurrently, against fresh variables.
//
// The package knows nothing of API Gateway. Host objects ($input, $util,
// $context in package mappingtemplate) reach templates through the Object
// and Lazy interfaces and the List and Map value types defined here.
//
// Output follows Velocity 1.7 byte for byte where a template only uses the
// language — whitespace gobbling around directives, missing references
// printed as their own source, Java's toString of numbers, lists and maps,
// Velocity's rules for ==, truthiness and arithmetic — and a differential
// test holds it to Apache Velocity itself. Known differences: a Java array
// (the result of String.split) prints as a list rather than as
// "[Ljava.lang.String;@…"; keySet(), values() and entrySet() return copies,
// not live views of the map; #parse, #include and #evaluate are refused;
// macro arguments are evaluated once at the call rather than by name.
//
// Nothing here does I/O or logs: a render reads its variables and writes
// its Output, within the bounds of its Limits.
package vtl
