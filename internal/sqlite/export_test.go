package sqlite

// KeyTable is keyTable, so that tests can look at the plans of key queries.
var KeyTable = keyTable
