package query_test

// Entries (see fixture_test.go), in default order:
//
//	id name       note         score level  active flag  created              expires    tags
//	1  admin      "First key"  1.5   3      true   null  2024-01-01 00:00:00  null       [ops Prod]
//	2  ci-build   null         2.0   null   false  true  2024-03-15 12:30:00  2025-01-01 [ci]
//	3  Ci-Deploy  "deploy key" null  1      true   false 2024-03-15 12:30:00  2024-06-01 []
//	4  Straße     "ÉCOLE"      -3.0  10     false  null  2023-12-31 23:59:59  2030-01-01 [x y ops]
//	5  backup     ""           0.0   2      true   true  2024-05-05 00:00:00  null       [BACKUP]
//	6  admin2     "second"     1e20  maxint true   false 2024-01-01 00:00:00.5 2024-06-01 [ops]

var equalityCases = []queryCase{
	{name: "EqString", filters: `[["name","=","admin"]]`, want: `[1]`},
	{name: "EqStringCaseSensitive", filters: `[["name","=","ADMIN"]]`, want: `[]`},
	{name: "NeString", filters: `[["name","!=","admin"]]`, want: `[2,3,4,5,6]`},
	{name: "EqNull", filters: `[["note","=",null]]`, want: `[2]`},
	{name: "NeNull", filters: `[["note","!=",null]]`, want: `[1,3,4,5,6]`},
	{name: "EqIntByValue", filters: `[["level","=",3.0]]`, want: `[1]`},
	{name: "EqFloatColumnWithInt", filters: `[["score","=",2]]`, want: `[2]`},
	{name: "EqMaxInt", filters: `[["level","=",9223372036854775807]]`, want: `[6]`},
	{name: "EqBigFloat", filters: `[["score","=",100000000000000000000]]`, want: `[6]`},
	{name: "EqAcrossTypes", filters: `[["level","=","3"]]`, want: `[]`},
	{name: "NeAcrossTypesIncludesNull", filters: `[["level","!=","3"]]`, want: `[1,2,3,4,5,6]`},
	{name: "EqBool", filters: `[["active","=",true]]`, want: `[1,3,5,6]`},
	{name: "EqBoolIsNotNumber", filters: `[["active","=",1]]`, want: `[]`},
	{name: "NeBoolWithNulls", filters: `[["flag","!=",true]]`, want: `[1,3,4,6]`},
	{name: "EqNullBool", filters: `[["flag","=",null]]`, want: `[1,4]`},
	{name: "EqRedacted", filters: `[["secret","=","********"]]`, want: `[1,2,3,4,5,6]`},
	{name: "EqJSONArray", filters: `[["tags","=",["ops","Prod"]]]`, want: `[1]`},
	{name: "EqJSONObject", filters: `[["meta.owner","=",{"uid":1000,"name":"ci"}]]`, want: `[2]`},
	{name: "EqJSONNumberByValue", filters: `[["meta.n","=",1.0]]`, want: `[1]`},
	{name: "EqJSONBigInt", filters: `[["meta.n","=",9007199254740993]]`, want: `[6]`},
	{name: "EqJSONBigIntNotFloat", filters: `[["meta.n","=",9007199254740992.0]]`, want: `[]`},
	{name: "NeColumnNull", filters: `[["meta","!=",null]]`, want: `[1,2,4,5,6]`},
	{name: "EqColumnNull", filters: `[["meta","=",null]]`, want: `[3]`},
}

var orderingCases = []queryCase{
	{name: "GtInt", filters: `[["level",">",2]]`, want: `[1,4,6]`},
	{name: "GeInt", filters: `[["level",">=",2]]`, want: `[1,4,5,6]`},
	{name: "LtFloat", filters: `[["score","<",0]]`, want: `[4]`},
	{name: "LeFloat", filters: `[["score","<=",0]]`, want: `[4,5]`},
	{name: "GtIntWithFraction", filters: `[["level",">",2.5]]`, want: `[1,4,6]`},
	{name: "LtIntWithFraction", filters: `[["level","<",1.5]]`, want: `[3]`},
	{name: "GtString", filters: `[["name",">","b"]]`, want: `[2,5]`},
	{name: "LeString", filters: `[["name","<=","admin"]]`, want: `[1,3,4]`},
	{name: "GtAcrossTypes", filters: `[["name","<",1]]`, want: `[]`},
	{name: "GeNull", filters: `[["note",">=",null]]`, want: `[]`},
	{name: "GtBool", filters: `[["active",">",false]]`, want: `[]`},
	{name: "GtJSONNumbers", filters: `[["meta.n",">",1]]`, want: `[2,6]`},
	{name: "GtJSONString", filters: `[["meta.n",">","a"]]`, want: `[5]`},
}

var dateCases = []queryCase{
	{name: "GtDate", filters: `[["created",">",{"$date":1704067200000}]]`, want: `[2,3,5,6]`},
	{name: "EqDate", filters: `[["expires","=",{"$date":1717200000000}]]`, want: `[3,6]`},
	{name: "EqDateIsNotNumber", filters: `[["expires","=",1717200000000]]`, want: `[]`},
	{name: "DateSuffixISODate", filters: `[["created.$date","<","2024-01-01"]]`, want: `[4]`},
	{name: "DateSuffixFraction", filters: `[["created.$date","<=","2024-01-01T00:00:00.4Z"]]`, want: `[1,4]`},
	{name: "DateSuffixSubMillisecondGt", filters: `[["created.$date",">","2024-01-01T00:00:00.4999999Z"]]`, want: `[2,3,5,6]`},
	{name: "DateSuffixSubMillisecondGe", filters: `[["created.$date",">=","2024-01-01T00:00:00.5000001"]]`, want: `[2,3,5]`},
	{name: "DateSuffixOffset", filters: `[["expires.$date","=","2024-06-01T02:00:00+02:00"]]`, want: `[3,6]`},
	{name: "DateSuffixNe", filters: `[["expires.$date","!=","2024-06-01"]]`, want: `[1,2,4,5]`},
	{name: "DateSuffixTimeValue", filters: `[["expires.$date",">",{"$date":1735603200000}]]`, want: `[2,4]`},
	{name: "DateSuffixSpace", filters: `[["meta.seen.$date",">","2024-01-01 00:00"]]`, want: `[1]`},
	{name: "DateSuffixOnString", filters: `[["name.$date","=","2024-01-01"]]`, want: `[]`},
}

var regexpCases = []queryCase{
	{name: "RegexpAtStart", filters: `[["name","~","ad"]]`, want: `[1,6]`},
	{name: "RegexpNotFullMatch", filters: `[["name","~","admin"]]`, want: `[1,6]`},
	{name: "RegexpNotInMiddle", filters: `[["name","~","min"]]`, want: `[]`},
	{name: "RegexpInlineFlag", filters: `[["name","~","(?i)ci-"]]`, want: `[2,3]`},
	{name: "RegexpCaseSensitive", filters: `[["name","~","ci-"]]`, want: `[2]`},
	{name: "RegexpAlternation", filters: `[["name","~","a|b"]]`, want: `[1,5,6]`},
	{name: "RegexpNullIsEmpty", filters: `[["note","~","$"]]`, want: `[2,5]`},
	{name: "RegexpEmptyMatchesAll", filters: `[["note","~",""]]`, want: `[1,2,3,4,5,6]`},
	{name: "RegexpNonString", filters: `[["level","~",""]]`, want: `[2]`},
	{name: "RegexpNonStringNoMatch", filters: `[["score","~","1"]]`, want: `[]`},
	{name: "RegexpStarPath", filters: `[["tags.*","~","(?i)prod"]]`, want: `[1]`},
	{name: "RegexpUnicode", filters: `[["name","~","Stra.e$"]]`, want: `[4]`},
}

var memberCases = []queryCase{
	{name: "InList", filters: `[["name","in",["admin","backup","nope"]]]`, want: `[1,5]`},
	{name: "NinList", filters: `[["name","nin",["admin","backup"]]]`, want: `[2,3,4,6]`},
	{name: "InString", filters: `[["name","in","the admin2 key"]]`, want: `[1,6]`},
	{name: "NinString", filters: `[["name","nin","the admin2 key"]]`, want: `[2,3,4,5]`},
	{name: "InListMixedTypes", filters: `[["level","in",[1,2.0,"3",null]]]`, want: `[2,3,5]`},
	{name: "NinListNullIsFalse", filters: `[["level","nin",[1,null]]]`, want: `[1,4,5,6]`},
	{name: "NinStringNullIsFalse", filters: `[["note","nin","First key second"]]`, want: `[3,4]`},
	{name: "InStringNonString", filters: `[["level","in","123"]]`, want: `[]`},
	{name: "InNeither", filters: `[["name","in",5]]`, want: `[]`},
	{name: "NinNeither", filters: `[["name","nin",5]]`, want: `[]`},
	{name: "InEmptyList", filters: `[["name","in",[]]]`, want: `[]`},
	{name: "NinEmptyList", filters: `[["note","nin",[]]]`, want: `[1,3,4,5,6]`},
	{name: "InListOfLists", filters: `[["tags","in",[["ci"],[]]]]`, want: `[2,3]`},
	{name: "InSet", filters: `[["active","in",{"$set":[true]}]]`, want: `[1,3,5,6]`},
	{name: "InDates", filters: `[["expires","in",[{"$date":1717200000000},null]]]`, want: `[1,3,5,6]`},
	{name: "RinList", filters: `[["tags","rin","ops"]]`, want: `[1,4,6]`},
	{name: "RninList", filters: `[["tags","rnin","ops"]]`, want: `[2,3,5]`},
	{name: "RinString", filters: `[["name","rin","ci"]]`, want: `[2]`},
	{name: "RninString", filters: `[["name","rnin","a"]]`, want: `[2,3]`},
	{name: "RinNeither", filters: `[["level","rin",1]]`, want: `[]`},
	{name: "RninNeither", filters: `[["level","rnin",1]]`, want: `[]`},
	{name: "RinStringNonString", filters: `[["name","rin",1]]`, want: `[]`},
	{name: "RinObject", filters: `[["meta.groups","rin",{"gid":1000,"name":"ci"}]]`, want: `[2]`},
	{name: "RninNullElement", filters: `[["tags","rnin",null]]`, want: `[1,2,3,4,5,6]`},
}
