#ifndef CTERMINAL_H
#define CTERMINAL_H
// C glue over ncursesw macros that Swift cannot call.
#endif
