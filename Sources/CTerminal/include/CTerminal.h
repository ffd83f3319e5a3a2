#ifndef CTERMINAL_H
#define CTERMINAL_H
// C glue over ncursesw for what Swift cannot call: macros (COLOR_PAIR,
// getmaxyx, KEY_F, A_BOLD), the cchar_t API, and signal handlers that must
// restore the terminal with async-signal-safe calls only.

#include <stdint.h>
#include <wchar.h>

/// Key codes returned by ct_read for the bracketed-paste markers.
#define CT_KEY_PASTE_START 0x7001
#define CT_KEY_PASTE_END 0x7002

/// ct_read results.
#define CT_INPUT_NONE 0
#define CT_INPUT_CHAR 1
#define CT_INPUT_KEY 2

/// Sets the locale from the environment, falling back to C.UTF-8 when the
/// environment's character set is not UTF-8. Returns 1 when UTF-8 is active.
int ct_setup_locale(void);

/// Starts ncurses on the controlling terminal: raw keys, no echo, keypad,
/// bracketed paste and signal handlers. Returns 0, or -1 when the terminal
/// cannot be initialised (then nothing has changed).
int ct_start(void);

/// Restores the terminal. Safe to call more than once.
void ct_stop(void);

/// Suspends the program as Ctrl-Z would, restoring the terminal first and
/// taking it back on resume.
void ct_suspend(void);

/// Returns the signal number that asked the program to stop (SIGINT,
/// SIGTERM, SIGHUP), or 0.
int ct_stop_signal(void);

/// Reads one input with a timeout in milliseconds. Stores a character or a
/// KEY_ code in *value and returns CT_INPUT_CHAR, CT_INPUT_KEY or CT_INPUT_NONE.
int ct_read(int timeout_ms, uint32_t *value);

void ct_size(int *row_count, int *column_count);
int ct_colors(void);
int ct_color_pairs(void);
/// Returns 1 when terminfo reports direct (24-bit) colour.
int ct_direct_color(void);

/// Defines colour pair `pair` as foreground and background colour numbers
/// (-1 is the terminal default). Returns 0 or -1.
int ct_init_pair(int pair, int foreground, int background);

/// Returns the attribute bits for the given flags.
uint32_t ct_attributes(int bold, int dim, int reverse, int underline);

/// Draws one cell: `count` wide characters (a spacing character and its
/// combining marks) at row y, column x, with attributes and a colour pair.
void ct_put(int y, int x, const wchar_t *characters, int count, uint32_t attributes, int pair);

void ct_erase(void);
void ct_move_cursor(int y, int x, int visible);
void ct_refresh(void);
/// Makes the next refresh repaint the whole screen (Ctrl-L).
void ct_clear_on_refresh(void);

/// Key codes that are macros in curses.h.
int ct_key_function(int number);
#endif
