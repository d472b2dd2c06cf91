@bgp @ipv6 @ebgp
Feature: An IPv4-mapped IPv6 pool is announced as allocated
  MetalLB's Go code keeps an IPv4-mapped IPv6 range (`::ffff:203.0.113.0/120`) as IPv6 (net.ParseCIDR
  gives it 16 bytes): a Service gets an address from it and the speaker announces exactly the allocated
  prefix, in MP_REACH_NLRI, never an IPv4 prefix and never a mangled IPv6 one.

  Scenario: a Service from an IPv4-mapped pool reaches the router as ::ffff:203.0.113.0/120
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        namespace: metallb-system
        name: mapped
      spec:
        addresses:
          - ::ffff:203.0.113.0/120
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        namespace: metallb-system
        name: mapped
      spec:
        ipAddressPools:
          - mapped
        aggregationLengthV6: 120
      """
    And nodes "NodeA" and the router "tor" on one segment
    And every node peers with "tor" over eBGP
    And a Service "default/web" requesting "::ffff:203.0.113.10" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix                 | next hops | origin | as path | local pref | communities |
      | ::ffff:203.0.113.0/120 | NodeA     | IGP    | 64500   | absent     | none        |
