using Bridge.Emulator;

// Drives the Blech emulator for scripts/demo.sh. Not part of the product.
//   bridge-demo setup CHIP_ADMIN DALE_ADMIN [WORK]  create both Blech databases, fill chip, run Blech's push to dale; with WORK,
//                                                    sites get document roots in WORK/www and TLS files WORK/tls/site.{crt,key},
//                                                    and blechd's regeneration on dale writes WORK/generated
//   bridge-demo regen DALE_ADMIN ROOT          run blechd's regeneration on dale into ROOT
//   bridge-demo push CHIP_ADMIN DALE_ADMIN [ROOT]  run Blech's standby push from chip to dale (and blechd on dale into ROOT)
//   bridge-demo edit CHIP_ADMIN                a few edits on chip through Blech
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: bridge-demo setup CHIP_ADMIN_CONN DALE_ADMIN_CONN | regen DALE_ADMIN_CONN CONFIG_ROOT");
    return 2;
}

switch (args[0])
{
    case "setup":
        {
            var chip = await new BlechServer(BlechEngine.Postgres, args[1]).CreateAsync("chip", PairAddresses.V);
            var dale = await new BlechServer(BlechEngine.Postgres, args[2]).CreateAsync("dale", PairAddresses.D);
            await SampleData.FillAsync(chip, clients: 4, sitesPerClient: 6);
            var work = args.Length > 3 ? args[3] : null;
            if (work is not null)
            {
                // Files Apache can really read, so that apache2ctl checks the demo's generated tree as it would dale's.
                foreach (var site in await chip.GetSitesAsync())
                {
                    var root = Directory.CreateDirectory(Path.Combine(work, "www", site.Domain)).FullName;
                    await chip.UpdateSiteAsync(site.Domain, s => s with
                    {
                        DocumentRoot = root,
                        SslCertPath = s.SslCertPath is null ? null : Path.Combine(work, "tls", "site.crt"),
                        SslKeyPath = s.SslKeyPath is null ? null : Path.Combine(work, "tls", "site.key"),
                    });
                }
            }

            await chip.PushToAsync(dale);
            var sites = await dale.GetSitesAsync();
            Console.WriteLine($"chip: Blech database filled with {(await chip.GetSitesAsync()).Count} sites, their zones and 4 mail domains (main_ip {PairAddresses.V})");
            Console.WriteLine($"dale: Blech's push copied {sites.Count} sites, all bound to {sites[0].IpAddress} (dale's own address), and no zones");
            if (work is not null)
            {
                await dale.RegenerateAsync(Path.Combine(work, "generated"));
            }

            return 0;
        }

    case "push":
        {
            var chip = new BlechServer(BlechEngine.Postgres, args[1]).Open("chip");
            var dale = new BlechServer(BlechEngine.Postgres, args[2]).Open("dale");
            await chip.PushToAsync(dale);
            Console.WriteLine($"Blech's push: dale's sites are on {(await dale.GetSitesAsync())[0].IpAddress} again");
            if (args.Length > 3)
            {
                var result = await dale.RegenerateAsync(args[3]);
                Console.WriteLine($"blechd on dale: {result.Written.Count} files written from those rows");
            }

            return 0;
        }

    case "edit":
        {
            var chip = new BlechServer(BlechEngine.Postgres, args[1]).Open("chip");
            await chip.UpdateSiteAsync(SampleData.SiteDomain(3), s => s with { DocumentRoot = "/srv/www/site003" });
            await chip.UpdateMailboxAsync("mail00.example", "user1", m => m with { PasswordHash = "$6$rounds=5000$new$newhash" });
            await chip.AddRecordAsync(new RecordSpec(SampleData.SiteDomain(5) + ".", "blog", "CNAME", "www"));
            Console.WriteLine("chip: a document root moved, a password changed, a DNS record added (not yet synced)");
            return 0;
        }

    case "regen":
        {
            var dale = new BlechServer(BlechEngine.Postgres, args[1]).Open("dale");
            var result = await dale.RegenerateAsync(args[2]);
            Console.WriteLine($"blechd on dale: {result.QueueRowsDone} queue rows done, {result.Written.Count} files written, {result.RepairedSites.Count} sites repaired to main_ip");
            return 0;
        }

    default:
        Console.Error.WriteLine($"bridge-demo: unknown command '{args[0]}'");
        return 2;
}
