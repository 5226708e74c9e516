//! Embeds the icon and the version resource in the Windows .exe (the Linux build has neither).

fn main() {
    println!("cargo:rerun-if-changed=packaging/windows/yuva.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let mut resource = winresource::WindowsResource::new();
    resource
        .set_icon("packaging/windows/yuva.ico")
        .set("ProductName", "Yuva")
        .set(
            "FileDescription",
            "Yuva — foster-care registry and placement matching",
        )
        .set("LegalCopyright", "Yuva team");
    // mingw's C++ runtime and threads (HiGHS is C++) go into the .exe: no DLL to ship.
    // highs-sys asks for `stdc++` as a dynamic library, and rustc links it so even under
    // `-static`; build.sh puts a folder with only the static `libstdc++.a` first on the
    // linker's search path, where the linker finds it before mingw's import library.
    println!("cargo:rerun-if-env-changed=YUVA_WINDOWS_STATIC_LIBS");
    if std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu") {
        println!("cargo:rustc-link-arg-bins=-static");
        if let Ok(folder) = std::env::var("YUVA_WINDOWS_STATIC_LIBS") {
            println!("cargo:rustc-link-search=native={folder}");
        }
    }
    // Cross-building on Linux: mingw's windres compiles the resource.
    if std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu")
        && std::env::var_os("HOST").is_some_and(|h| !h.to_string_lossy().contains("windows"))
    {
        resource
            .set_windres_path("x86_64-w64-mingw32-windres")
            .set_ar_path("x86_64-w64-mingw32-ar");
    }
    if let Err(error) = resource.compile() {
        panic!("cannot embed the Windows resources: {error}");
    }
}
