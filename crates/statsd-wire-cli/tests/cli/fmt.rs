//! `statsd-wire fmt`.

use crate::support::{bin, read, stderr_of, stdout_of, temp_file};

const MIXED: &str =
    "a:+1|c\n\nbad:1|xyz\nt:1.50|ms\npage.views\n\n  spaced:1|c\nrate:1|c|@.5\nlast:007|g";

#[test]
fn valid_lines_become_canonical_and_invalid_lines_stay_exactly_as_they_were() {
    let out = bin()
        .args(["fmt", "--dialect", "etsy"])
        .write_stdin(MIXED)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // Empty lines, the untouched invalid line and the missing final newline are kept.
    assert_eq!(
        stdout_of(&out),
        "a:1|c\n\nbad:1|xyz\nt:1.5|ms\npage.views\n\n  spaced:1|c\nrate:1|c|@0.5\nlast:7|g"
    );
    let err = stderr_of(&out);
    assert!(
        err.starts_with(
            "<stdin>:3:7: error[unknown_type]: unknown metric type\n3 | bad:1|xyz\n  |       ^^^\n"
        ),
        "{err}"
    );
    // `page.views` (no bare names in etsy) is reported too: nothing is dropped silently.
    assert!(err.contains("<stdin>:5:11: error[missing_value]"), "{err}");
    assert!(
        err.ends_with("statsd-wire fmt: 2 invalid lines left unchanged\n"),
        "{err}"
    );
}

#[test]
fn the_spec_dialect_has_its_own_canonical_forms() {
    let out = bin()
        .arg("fmt")
        .write_stdin("page.views\nt:2.50|ms\nc:-0|c\ng:1e3|g\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        stdout_of(&out),
        "page.views:1|m\nt:2.5|ms\nc:0|c\ng:1000.0|g\n"
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn formatting_is_idempotent() {
    let once = bin()
        .args(["fmt", "--dialect", "etsy"])
        .write_stdin(MIXED)
        .output()
        .unwrap();
    let twice = bin()
        .args(["fmt", "--dialect", "etsy"])
        .write_stdin(once.stdout.clone())
        .output()
        .unwrap();
    assert_eq!(stdout_of(&once), stdout_of(&twice));
}

#[test]
fn crlf_lines_are_canonicalised_in_etsy() {
    let out = bin()
        .args(["fmt", "--dialect", "etsy"])
        .write_stdin("users:+1|g\r\nhits:+2|c\r\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout_of(&out), "users:+1|g\nhits:2|c\n");
}

#[test]
fn in_place_rewrites_the_file_and_keeps_invalid_lines() {
    let (_dir, path) = temp_file("m.txt", b"a:+1|c\nbad\nb:2.0|g\n");
    let out = bin()
        .args(["fmt", "--dialect", "etsy", "--in-place"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(read(&path), "a:1|c\nbad\nb:2.0|g\n");

    let (_dir, path) = temp_file("ok.txt", b"x:+3|ms\n");
    let out = bin()
        .args(["fmt", "-i", "--dialect", "etsy"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(read(&path), "x:3|ms\n");
}

#[test]
fn in_place_without_files_is_a_usage_error() {
    let out = bin()
        .args(["fmt", "--in-place"])
        .write_stdin("a:1|c\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

/// Defect 4 of issue 11: `fmt -i` replaced a symbolic link with a regular
/// file (the real file stayed unformatted), broke hard links, and gave a file
/// of another owner to root. Now it writes through the link and keeps the
/// file's identity: links, owner, mode.
#[cfg(unix)]
#[test]
fn in_place_writes_through_links_and_keeps_the_files_identity() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    let (dir, real) = temp_file("real.txt", b"a:+1|c\n");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();

    // A symbolic link.
    let link = dir.path().join("link.txt");
    std::os::unix::fs::symlink("real.txt", &link).unwrap();
    let out = bin()
        .args(["fmt", "--dialect", "etsy", "-i"])
        .arg(&link)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced"
    );
    assert_eq!(read(&real), "a:1|c\n");
    assert_eq!(
        std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o640
    );

    // A hard link.
    std::fs::write(&real, b"b:+2|c\n").unwrap();
    let hard = dir.path().join("hard.txt");
    std::fs::hard_link(&real, &hard).unwrap();
    let inode = std::fs::metadata(&real).unwrap().ino();
    let out = bin()
        .args(["fmt", "--dialect", "etsy", "-i"])
        .arg(&hard)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        read(&real),
        "b:2|c\n",
        "the other name does not see the change"
    );
    assert_eq!(std::fs::metadata(&hard).unwrap().ino(), inode);
    assert_eq!(std::fs::metadata(&hard).unwrap().nlink(), 2);
    std::fs::remove_file(&hard).unwrap();

    // Another owner (only root can give a file away; as another user the
    // rename path is the only one and the owner is ours anyway).
    let me = std::fs::metadata(dir.path()).unwrap().uid();
    if me == 0 {
        std::fs::write(&real, b"c:+3|c\n").unwrap();
        std::os::unix::fs::chown(&real, Some(4242), Some(4343)).unwrap();
        let out = bin()
            .args(["fmt", "--dialect", "etsy", "-i"])
            .arg(&real)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        let m = std::fs::metadata(&real).unwrap();
        assert_eq!((m.uid(), m.gid()), (4242, 4343), "the owner changed");
        assert_eq!(m.permissions().mode() & 0o777, 0o640);
        assert_eq!(read(&real), "c:3|c\n");
    }
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}
