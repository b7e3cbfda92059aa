// The Octet IR text form. One graph per file:
//
//   graph @mlp(%x: f32[N,784]) {
//     %w = Constant() {value = random<f32[784,10], 7>} : f32[784,10]
//     %y = MatMul(%x, %w) : f32[N,10] loc("fc1")
//     return %y
//   }
//
// Words such as element types and literal kinds are plain identifiers here and are checked by the parser
// in Java, so that an attribute or a dimension may be named like a keyword.
grammar OctetIR;

file      : graph EOF ;
graph     : ident GLOBAL_ID '(' (param (',' param)*)? ')' '{' node* ret '}' ;
param     : VALUE_ID ':' type ;
node      : VALUE_ID (',' VALUE_ID)* '=' ident '(' (operand (',' operand)*)? ')' attrDict? ':' type (',' type)* location? ;
ret       : ident (VALUE_ID (',' VALUE_ID)*)? ;
operand   : VALUE_ID | '_' ;
location  : ident '(' STRING ')' ;

type      : ident quant? '[' (dim (',' dim)*)? ']' ;
quant     : '<' number ':' INT '>'                                          # perTensor
          | '<' ident '=' INT ',' '{' quantPair (',' quantPair)* '}' '>'   # perAxis
          ;
quantPair : number ':' INT ;
dim       : INT | ident ;

attrDict  : '{' (attr (',' attr)*)? '}' ;
attr      : ident '=' attrValue ;
attrValue : number                                   # numberAttr
          | STRING                                   # stringAttr
          | '[' (listItem (',' listItem)*)? ']'      # listAttr
          | tensorLiteral                            # tensorAttr
          ;
listItem  : number | STRING ;
tensorLiteral : ident '<' type (',' literalArg)* '>' ;
literalArg    : number | STRING | '[' (number (',' number)*)? ']' ;

number    : INT | FLOAT | ident | '-' ident ;
ident     : BARE_ID ;

GLOBAL_ID : '@' (ID_CHARS | QUOTED) ;
VALUE_ID  : '%' (ID_CHARS | QUOTED) ;
BARE_ID   : [a-zA-Z_] [a-zA-Z0-9_.]* ;
FLOAT     : '-'? DIGITS '.' DIGITS? EXPONENT? | '-'? DIGITS EXPONENT ;
INT       : '-'? DIGITS ;
STRING    : QUOTED ;
COMMENT   : '//' ~[\r\n]* -> skip ;
WS        : [ \t\r\n]+ -> skip ;

fragment ID_CHARS : [a-zA-Z0-9_.$/\-]+ ;
fragment QUOTED   : '"' (~["\\\r\n] | '\\' .)* '"' ;
fragment DIGITS   : [0-9]+ ;
fragment EXPONENT : [eE] [+\-]? DIGITS ;
