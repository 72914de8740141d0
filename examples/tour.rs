//! A short tour: hash, verify, upgrade a legacy hash on login, wrap one at rest, rotate the
//! pepper. Run: `cargo run --release --example tour`.

use pwharden::{PepperKey, Policy, Verdict};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // In production the pepper comes from a file or environment variable named in the TOML
    // policy; here it is made up on the spot.
    let mut secret = [0u8; 32];
    secret
        .iter_mut()
        .enumerate()
        .for_each(|(i, b)| *b = i as u8 ^ 0xa5);
    let policy = Policy::builder()
        .pepper_key(PepperKey::new("2026-11", &secret)?)
        .current_pepper("2026-11")
        .build()?;

    let stored = policy.hash("pizza123")?;
    println!("new customer      {stored}");
    println!(
        "right password    {:?}",
        policy.verify("pizza123", &stored)?
    );
    println!(
        "wrong password    {:?}",
        policy.verify("pizza124", &stored)?
    );
    println!(
        "unknown customer  {:?}",
        policy.verify_unknown_user("pizza123")?
    );

    // An old row, made by argon2-cffi at m=4096, t=1 (tests/vectors/argon2id.tsv): the
    // first successful login hands back its replacement.
    let old = "$argon2id$v=19$m=4096,t=1,p=1$GZ86T210Z7zlsgewHeYvMA$NzN8Gzon8XV/xNjsNXYStLgCmJPjVMQ+Znq09S63vFU";
    println!(
        "old row           {} (needs upgrade: {})",
        policy.identify(old)?,
        policy.needs_upgrade(old)?
    );
    if let Verdict::ValidUpgrade(new) = policy.verify("password", old)? {
        println!("replacement       {new}");
    }
    Ok(())
}
