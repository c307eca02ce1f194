//! Hand-rolled argument parsing: `--flag value`, `--flag=value`, switches, `-h`, `-H`,
//! `-` (stdin) and `--` (end of options). No dependencies.

use std::fmt;
use std::io;
use std::str::FromStr;

/// How a flag takes its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// `--json`: no value.
    Switch,
    /// `--secret S` or `--secret=S`.
    Value,
    /// `--now` or `--now=VALUE` (a value only when attached with `=`).
    OptValue,
}

/// One accepted flag.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    /// Long name without the leading dashes.
    pub name: &'static str,
    /// A one-letter alias (`-H`).
    pub short: Option<char>,
    /// How it takes a value.
    pub arity: Arity,
    /// Whether it may be given more than once.
    pub repeat: bool,
}

/// `--name` without a value.
pub const fn switch(name: &'static str) -> Flag {
    Flag {
        name,
        short: None,
        arity: Arity::Switch,
        repeat: false,
    }
}

/// `--name VALUE`, once.
pub const fn value(name: &'static str) -> Flag {
    Flag {
        name,
        short: None,
        arity: Arity::Value,
        repeat: false,
    }
}

/// `--name VALUE`, any number of times.
pub const fn many(name: &'static str) -> Flag {
    Flag {
        name,
        short: None,
        arity: Arity::Value,
        repeat: true,
    }
}

/// `--name` or `--name=VALUE`, once.
pub const fn opt(name: &'static str) -> Flag {
    Flag {
        name,
        short: None,
        arity: Arity::OptValue,
        repeat: false,
    }
}

impl Flag {
    /// The same flag with a one-letter alias.
    pub const fn short(self, c: char) -> Flag {
        Flag {
            short: Some(c),
            ..self
        }
    }
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
    flags: Vec<(&'static str, Option<String>)>,
    /// Positional arguments, in order.
    pub positionals: Vec<String>,
    /// `--help` or `-h` was given.
    pub help: bool,
}

/// Parses `argv` (the words after the command name) against `specs`.
/// `--help` wins over any other error, so `amojo sign --bogus --help` prints the usage.
///
/// # Errors
///
/// The first usage error: unknown option, missing value, value on a switch, repeated flag.
pub fn parse(cmd: &'static str, specs: &[Flag], argv: &[String]) -> Result<Args, CliError> {
    let mut args = Args {
        cmd,
        flags: Vec::new(),
        positionals: Vec::new(),
        help: false,
    };
    let mut first_err: Option<String> = None;
    let mut err = |m: String| {
        if first_err.is_none() {
            first_err = Some(m);
        }
    };
    let mut only_positional = false;
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if only_positional || a == "-" || !a.starts_with('-') {
            args.positionals.push(a.clone());
            continue;
        }
        if a == "--" {
            only_positional = true;
            continue;
        }
        if a == "--help" || a == "-h" {
            args.help = true;
            continue;
        }
        let (spec, shown, inline) = if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            match specs.iter().find(|f| f.name == name) {
                Some(s) => (s, format!("--{name}"), inline),
                None => {
                    let names: Vec<&'static str> = specs.iter().map(|f| f.name).collect();
                    let hint = crate::util::suggest(name, &names)
                        .map(|s| format!(" (did you mean `--{s}`?)"))
                        .unwrap_or_default();
                    // Only the name is shown: `--secrt=VALUE` must not echo the value.
                    err(format!("unknown option `--{name}`{hint}"));
                    continue;
                }
            }
        } else {
            let mut chars = a[1..].chars();
            let c = chars.next().unwrap_or('-');
            let rest = chars.as_str();
            match specs.iter().find(|f| f.short == Some(c)) {
                Some(s) => (
                    s,
                    format!("-{c}"),
                    if rest.is_empty() { None } else { Some(rest) },
                ),
                None => {
                    err(format!("unknown option `-{c}`"));
                    continue;
                }
            }
        };
        let value = match spec.arity {
            Arity::Switch => {
                if inline.is_some() {
                    err(format!("`{shown}` takes no value"));
                    continue;
                }
                None
            }
            Arity::OptValue => inline.map(str::to_owned),
            Arity::Value => match inline {
                Some(v) => Some(v.to_owned()),
                None => match argv.get(i) {
                    Some(v) if !v.starts_with("--") => {
                        i += 1;
                        Some(v.clone())
                    }
                    _ => {
                        err(format!("`{shown}` needs a value"));
                        continue;
                    }
                },
            },
        };
        if !spec.repeat && args.flags.iter().any(|(n, _)| *n == spec.name) {
            err(format!("`--{}` is given more than once", spec.name));
            continue;
        }
        args.flags.push((spec.name, value));
    }
    match first_err {
        Some(m) if !args.help => Err(CliError::usage(cmd, m)),
        _ => Ok(args),
    }
}

impl Args {
    /// Whether the flag was given.
    pub fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, _)| *n == name)
    }

    /// The flag's value (the last one given).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// Every value of a repeatable flag, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|(n, _)| *n == name)
            .filter_map(|(_, v)| v.as_deref())
            .collect()
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
        match self.positionals.as_slice() {
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

    const SPECS: &[Flag] = &[
        many("secret"),
        value("method"),
        many("header").short('H'),
        switch("json"),
        opt("now"),
    ];

    fn argv(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses() {
        let a = parse(
            "t",
            SPECS,
            &argv(&[
                "--secret",
                "a",
                "--secret=b",
                "-HDate: x",
                "-H",
                "X: y",
                "--json",
                "--now=5",
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
        assert_eq!(a.positionals, ["-", "--json"]);
    }

    #[test]
    fn errors() {
        let e = |a: &[&str]| match parse("t", SPECS, &argv(a)) {
            Err(CliError::Usage { msg, .. }) => msg,
            other => panic!("{other:?}"),
        };
        assert!(e(&["--secrt=hidden"]).contains("did you mean `--secret`"));
        assert!(!e(&["--secrt=hidden"]).contains("hidden"));
        assert!(e(&["--method"]).contains("needs a value"));
        assert!(e(&["--method", "--json"]).contains("needs a value"));
        assert!(e(&["--json=1"]).contains("takes no value"));
        assert!(e(&["--method", "a", "--method", "b"]).contains("more than once"));
        assert!(e(&["-x"]).contains("unknown option `-x`"));
        assert!(
            parse("t", SPECS, &argv(&["--bogus", "--help"]))
                .unwrap()
                .help
        );
    }
}
