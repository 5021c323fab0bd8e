// Package losslesstest checks, for every generated API, that a response
// decoded into its typed value and encoded again is the JSON the server sent:
// members the document does not declare, at several depths and inside union
// variants, large integers in untyped values, and date-times written
// without an offset. It also checks the Auth0 overlays of issue 8 against
// recorded response shapes. It has tests only.
package losslesstest
