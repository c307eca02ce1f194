//! The command line of one command, parsed by clap: `--flag value`, `--flag=value`,
//! switches, `-H`, `-` (stdin) and `--` (end of options). clap's errors are told in amojo's
//! words, and `--help` wins over any other error on the line.

use std::fmt;
use std::io;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Command};

/// The positional arguments: FILE or `-`.
const FILE: &str = "FILE";

/// `--name`, a switch.
pub fn switch(name: &'static str) -> Arg {
    Arg::new(name).long(name).action(ArgAction::SetTrue)
}

/// `--name VALUE` or `--name=VALUE`, once. The value may start with `-` (`--data -1`), but
/// a separate word that starts with `--` is the next option: `--path --json` lacks a value.
pub fn value(name: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .action(ArgAction::Set)
        .allow_hyphen_values(true)
}

/// `--name VALUE`, any number of times.
pub fn many(name: &'static str) -> Arg {
    value(name).action(ArgAction::Append)
}

/// `--name` or `--name=VALUE`, once (a value only when attached with `=`).
pub fn opt(name: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .num_args(0..=1)
        .require_equals(true)
}

/// What went wrong, and how the process ends.
#[derive(Debug)]
pub enum CliError {
    /// The command line is wrong (exit 2, with a hint to the command's `--help`).
    Usage {
        /// The command, as typed after `amojo` (`sign`, `webhook verify`).
        cmd: &'static str,
        /// One line, no trailing period.
        msg: String,
    },
    /// The input data is unusable (exit 1), e.g. a body that is not JSON for `--style`.
    Data(String),
    /// Writing the output failed.
    Io(io::Error),
}

impl CliError {
    /// A usage error of `cmd`.
    pub fn usage(cmd: &'static str, msg: impl Into<String>) -> Self {
        CliError::Usage {
            cmd,
            msg: msg.into(),
        }
    }

    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage { .. } => 2,
            CliError::Data(_) | CliError::Io(_) => 1,
        }
    }
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> Self {
        CliError::Io(e)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage { cmd, msg } => {
                let cmd = if cmd.is_empty() {
                    String::new()
                } else {
                    format!(" {cmd}")
                };
                write!(
                    f,
                    "amojo{cmd}: error: {msg}\nhint: run `amojo{cmd} --help` for usage"
                )
            }
            CliError::Data(msg) => write!(f, "amojo: error: {msg}"),
            CliError::Io(e) => write!(f, "amojo: error: cannot write the output: {e}"),
        }
    }
}

/// Parsed arguments of one command.
#[derive(Debug)]
pub struct Args {
    /// The command (for error messages).
    pub cmd: &'static str,
    matches: ArgMatches,
    /// `--help` or `-h` was given.
    pub help: bool,
}

/// Parses `argv` (the words after the command name) against `specs`.
/// `--help` wins over any other error, so `amojo sign --bogus --help` prints the usage.
///
/// # Errors
///
/// The first usage error: unknown option, missing value, value on a switch, repeated flag.
pub fn parse(
    cmd: &'static str,
    specs: impl IntoIterator<Item = Arg>,
    argv: &[String],
) -> Result<Args, CliError> {
    let line: Arc<[String]> = argv.into();
    let first_error = Arc::new(OnceLock::new());
    let mut command = Command::new(cmd)
        .no_binary_name(true)
        .disable_help_flag(true)
        .args(
            specs
                .into_iter()
                .map(|a| checked_in_order(a, &line, &first_error)),
        )
        .arg(Arg::new(FILE).action(ArgAction::Append));
    match command.try_get_matches_from_mut(argv) {
        Ok(matches) => Ok(Args {
            cmd,
            matches,
            help: false,
        }),
        // clap is told of no `--help` or `-h`: either, unless it is the value of an option
        // (`--data -h`), makes the parse fail, and wins over any other error. (On a line
        // with an error only the words are seen: there, an option's value `-h` is help too.)
        Err(_)
            if argv
                .iter()
                .take_while(|a| *a != "--")
                .any(|a| a == "--help" || a == "-h") =>
        {
            Ok(Args {
                cmd,
                matches: ArgMatches::default(),
                help: true,
            })
        }
        Err(e) => Err(CliError::usage(
            cmd,
            match first_error.get() {
                Some(m) => String::clone(m),
                None => message(&command, argv, &e),
            },
        )),
    }
}

/// Checks of an option that takes a value, done as clap reads each value, so that the
/// first error on the line is the one reported. clap gives such an option the next word
/// whatever it is: a separate word starting with `--` means the option lacks its value.
/// clap checks a repeated [`value`] only after reading the next word, and drops that error
/// when the next word is wrong too: the option is collected here and checked in order. The
/// first error is also kept in `first_error`, as clap may drop it.
fn checked_in_order(arg: Arg, line: &Arc<[String]>, first_error: &Arc<OnceLock<String>>) -> Arg {
    if !arg.is_allow_hyphen_values_set() {
        return arg;
    }
    let once = matches!(arg.get_action(), ArgAction::Set);
    let long = format!("--{}", arg.get_id());
    let short = arg.get_short().map(|c| format!("-{c}"));
    let seen = Arc::new(AtomicBool::new(false));
    let (line, first_error) = (Arc::clone(line), Arc::clone(first_error));
    arg.action(ArgAction::Append).value_parser(move |v: &str| {
        // `--data=--x` is a value: only `--data --x`, two words, lacks one.
        let missing = line.windows(2).find(|w| {
            v.starts_with("--") && w[1] == v && (w[0] == long || short.as_ref() == Some(&w[0]))
        });
        let error = match missing {
            Some(w) => format!("`{}` needs a value", w[0]),
            None if once && seen.swap(true, Ordering::Relaxed) => {
                format!("`{long}` is given more than once")
            }
            None => return Ok(attached_as_typed(&line, short.as_deref(), v)),
        };
        let _ = first_error.set(error.clone());
        Err(error)
    })
}

/// clap reads `-H=V` as the value `V`; like getopt (and curl), amojo reads `=V`.
fn attached_as_typed(line: &[String], short: Option<&str>, v: &str) -> String {
    let eq = format!("={v}");
    let typed = |value: &str| {
        line.iter()
            .any(|w| short.and_then(|s| w.strip_prefix(s)) == Some(value))
    };
    if typed(&eq) && !typed(v) {
        eq
    } else {
        v.to_owned()
    }
}

/// A clap error in amojo's words.
fn message(command: &Command, argv: &[String], e: &clap::Error) -> String {
    let invalid = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.as_str(),
        _ => "",
    };
    // clap names a known option with its value (`--path <path>`), an unknown one as typed.
    let known = command.get_arguments().find(|a| a.to_string() == invalid);
    let flag = match known.and_then(Arg::get_long) {
        Some(long) => format!("--{long}"),
        None => invalid.to_owned(),
    };
    match e.kind() {
        ErrorKind::TooManyValues => format!("`{flag}` takes no value"),
        ErrorKind::UnknownArgument => {
            let names: Vec<&str> = command.get_arguments().filter_map(Arg::get_long).collect();
            let hint = flag
                .strip_prefix("--")
                .and_then(|name| crate::util::suggest(name, &names))
                .map(|s| format!(" (did you mean `--{s}`?)"))
                .unwrap_or_default();
            // Only the name is shown: `--secrt=VALUE` must not echo the value.
            format!("unknown option `{flag}`{hint}")
        }
        // Any other option takes the next word: only the last one can lack its value.
        ErrorKind::InvalidValue => {
            let typed = argv
                .last()
                .filter(|t| !t.starts_with("--"))
                .map_or(flag.as_str(), String::as_str);
            format!("`{typed}` needs a value")
        }
        ErrorKind::ArgumentConflict => format!("`{flag}` is given more than once"),
        kind => kind.to_string(),
    }
}

impl Args {
    /// Whether the flag was given.
    pub fn has(&self, name: &str) -> bool {
        matches!(self.matches.try_contains_id(name), Ok(true))
            && self.matches.value_source(name) == Some(ValueSource::CommandLine)
    }

    /// The flag's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        let v = self.matches.try_get_one::<String>(name).ok().flatten();
        v.map(String::as_str)
    }

    /// Every value of a repeatable flag, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        let v = self.matches.try_get_many::<String>(name).ok().flatten();
        v.into_iter().flatten().map(String::as_str).collect()
    }

    /// Positional arguments, in order.
    pub fn positionals(&self) -> Vec<&str> {
        self.all(FILE)
    }

    /// The value of a required flag.
    ///
    /// # Errors
    ///
    /// A usage error naming the flag.
    pub fn required(&self, name: &'static str) -> Result<&str, CliError> {
        self.get(name)
            .ok_or_else(|| CliError::usage(self.cmd, format!("missing `--{name}`")))
    }

    /// A flag's value parsed with `FromStr`.
    ///
    /// # Errors
    ///
    /// A usage error with the parser's message.
    pub fn parsed<T: FromStr>(&self, name: &'static str, what: &str) -> Result<Option<T>, CliError>
    where
        T::Err: fmt::Display,
    {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v.parse::<T>().map(Some).map_err(|_| {
                CliError::usage(self.cmd, format!("`--{name}` takes {what}, not `{v}`"))
            }),
        }
    }

    /// The optional single positional argument (`FILE` or `-`).
    ///
    /// # Errors
    ///
    /// A usage error when there are more.
    pub fn one_positional(&self) -> Result<Option<&str>, CliError> {
        match self.positionals().as_slice() {
            [] => Ok(None),
            [p] => Ok(Some(p)),
            [_, extra, ..] => Err(CliError::usage(
                self.cmd,
                format!("unexpected argument `{extra}` (only one FILE or `-` is read)"),
            )),
        }
    }

    /// Fails when `a` and `b` are both given.
    ///
    /// # Errors
    ///
    /// A usage error naming both.
    pub fn exclusive(&self, a: &str, b: &str) -> Result<(), CliError> {
        if self.has(a) && self.has(b) {
            Err(CliError::usage(
                self.cmd,
                format!("`--{a}` and `--{b}` cannot be used together"),
            ))
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs() -> [Arg; 5] {
        [
            many("secret"),
            value("method"),
            many("header").short('H'),
            switch("json"),
            opt("now"),
        ]
    }

    fn argv(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses() {
        let a = parse(
            "t",
            specs(),
            &argv(&[
                "--secret",
                "a",
                "--secret=b",
                "-HDate: x",
                "-H",
                "X: y",
                "--json",
                "--now=5",
                "--method",
                "-x",
                "-",
                "--",
                "--json",
            ]),
        )
        .unwrap();
        assert_eq!(a.all("secret"), ["a", "b"]);
        assert_eq!(a.all("header"), ["Date: x", "X: y"]);
        assert!(a.has("json") && !a.help);
        assert_eq!(a.get("now"), Some("5"));
        assert_eq!(a.get("method"), Some("-x"));
        assert_eq!(a.positionals(), ["-", "--json"]);
        let a = parse("t", specs(), &argv(&["-H=X: y", "--header=Z: 1"])).unwrap();
        assert_eq!(a.all("header"), ["=X: y", "Z: 1"]);
        let a = parse("t", specs(), &argv(&["--now", "5"])).unwrap();
        assert!(a.has("now") && a.get("now").is_none() && !a.has("json"));
        assert_eq!(a.positionals(), ["5"]);
    }

    #[test]
    fn errors() {
        let e = |a: &[&str]| match parse("t", specs(), &argv(a)) {
            Err(CliError::Usage { msg, .. }) => msg,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            e(&["--secrt=hidden"]),
            "unknown option `--secrt` (did you mean `--secret`?)"
        );
        assert_eq!(e(&["--method"]), "`--method` needs a value");
        assert_eq!(e(&["--method", "--json"]), "`--method` needs a value");
        assert_eq!(e(&["-H", "--json", "--bogus"]), "`-H` needs a value");
        assert_eq!(e(&["--json=1"]), "`--json` takes no value");
        assert_eq!(
            e(&["--method", "a", "--method", "b"]),
            "`--method` is given more than once"
        );
        assert_eq!(e(&["-x"]), "unknown option `-x`");
        assert_eq!(e(&["--now", "--now=1"]), "`--now` is given more than once");
        assert_eq!(
            e(&["--method", "a", "--method", "b", "--bogus"]),
            "`--method` is given more than once"
        );
        assert!(
            parse("t", specs(), &argv(&["--bogus", "--help"]))
                .unwrap()
                .help
        );
    }
}
