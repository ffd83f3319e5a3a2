#define _POSIX_C_SOURCE 200809L
#include "CTerminal.h"

#include <locale.h>
#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <ncursesw/ncurses.h>
#include <ncursesw/term.h>

static SCREEN *screen = NULL;
static struct termios saved_termios;
static int have_saved_termios = 0;
static volatile sig_atomic_t stop_signal = 0;

// Bracketed paste on and off (xterm's DECSET 2004), the alternate screen off,
// the cursor shown and attributes reset.
static const char paste_on[] = "\033[?2004h";
static const char paste_off[] = "\033[?2004l";
static const char emergency_reset[] = "\033[?2004l\033[0m\033[?25h\033[?1049l";

static void write_all(const char *bytes, size_t length) {
    while (length > 0) {
        ssize_t written = write(STDOUT_FILENO, bytes, length);
        if (written <= 0) return;
        bytes += written;
        length -= (size_t)written;
    }
}

int ct_setup_locale(void) {
    setlocale(LC_ALL, "");
    const char *codeset = nl_langinfo(CODESET);
    if (codeset != NULL && strcmp(codeset, "UTF-8") == 0) return 1;
    if (setlocale(LC_CTYPE, "C.UTF-8") != NULL) return 1;
    return 0;
}

// The first stop signal sets a flag that the main loop reads within one read
// timeout, and the loop then restores the terminal normally. A second one means the
// loop is stuck, so the handler restores the terminal with write() and
// tcsetattr() (both async-signal-safe) and exits.
static void handle_stop_signal(int signal_number) {
    if (stop_signal != 0) {
        write_all(emergency_reset, sizeof emergency_reset - 1);
        if (have_saved_termios) tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
        _exit(128 + signal_number);
    }
    stop_signal = signal_number;
}

static void install_handlers(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handle_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
}

static void restore_at_exit(void) { ct_stop(); }

int ct_start(void) {
    if (tcgetattr(STDIN_FILENO, &saved_termios) == 0) have_saved_termios = 1;
    screen = newterm(NULL, stdout, stdin);
    if (screen == NULL) return -1;
    set_term(screen);
    atexit(restore_at_exit);
    install_handlers();

    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    if (has_colors()) {
        start_color();
        use_default_colors();
    }
    define_key("\033[200~", CT_KEY_PASTE_START);
    define_key("\033[201~", CT_KEY_PASTE_END);
    write_all(paste_on, sizeof paste_on - 1);
    return 0;
}

void ct_stop(void) {
    if (screen == NULL) return;
    write_all(paste_off, sizeof paste_off - 1);
    endwin();
    delscreen(screen);
    screen = NULL;
    if (have_saved_termios) tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
}

void ct_suspend(void) {
    if (screen == NULL) return;
    write_all(paste_off, sizeof paste_off - 1);
    def_prog_mode();
    endwin();

    // Stop with the default action; execution continues here after SIGCONT.
    struct sigaction previous, stop_default;
    memset(&stop_default, 0, sizeof stop_default);
    stop_default.sa_handler = SIG_DFL;
    sigemptyset(&stop_default.sa_mask);
    sigaction(SIGTSTP, &stop_default, &previous);
    kill(getpid(), SIGTSTP);
    sigaction(SIGTSTP, &previous, NULL);

    reset_prog_mode();
    write_all(paste_on, sizeof paste_on - 1);
    clearok(curscr, TRUE);
    refresh();
}

int ct_stop_signal(void) { return stop_signal; }

int ct_read(int timeout_ms, uint32_t *value) {
    wint_t input = 0;
    timeout(timeout_ms);
    int result = get_wch(&input);
    if (result == ERR) return CT_INPUT_NONE;
    *value = (uint32_t)input;
    return result == KEY_CODE_YES ? CT_INPUT_KEY : CT_INPUT_CHAR;
}

void ct_size(int *row_count, int *column_count) {
    int y = 0, x = 0;
    getmaxyx(stdscr, y, x);
    *row_count = y;
    *column_count = x;
}

int ct_colors(void) { return has_colors() ? COLORS : 0; }
int ct_color_pairs(void) { return has_colors() ? COLOR_PAIRS : 0; }

int ct_direct_color(void) {
    int flag = tigetflag("RGB");
    return (flag > 0 || (has_colors() && COLORS >= 0x1000000)) ? 1 : 0;
}

int ct_init_pair(int pair, int foreground, int background) {
    return init_extended_pair(pair, foreground, background) == OK ? 0 : -1;
}

uint32_t ct_attributes(int bold, int dim, int reverse, int underline) {
    attr_t attributes = A_NORMAL;
    if (bold) attributes |= A_BOLD;
    if (dim) attributes |= A_DIM;
    if (reverse) attributes |= A_REVERSE;
    if (underline) attributes |= A_UNDERLINE;
    return (uint32_t)attributes;
}

void ct_put(int y, int x, const wchar_t *characters, int count, uint32_t attributes, int pair) {
    wchar_t text[CCHARW_MAX + 1];
    int length = count < CCHARW_MAX ? count : CCHARW_MAX;
    memcpy(text, characters, (size_t)length * sizeof(wchar_t));
    text[length] = L'\0';
    cchar_t cell;
    // setcchar takes an int colour pair through its last argument, which
    // reaches past the 16-bit short one (an ncurses extension).
    int extended_pair = pair;
    if (setcchar(&cell, text, (attr_t)attributes, 0, &extended_pair) == OK) {
        mvadd_wch(y, x, &cell);
    }
}

void ct_erase(void) { erase(); }

void ct_move_cursor(int y, int x, int visible) {
    curs_set(visible ? 1 : 0);
    if (visible) move(y, x);
}

void ct_refresh(void) { refresh(); }
void ct_clear_on_refresh(void) { clearok(curscr, TRUE); }
int ct_key_function(int number) { return KEY_F(number); }
